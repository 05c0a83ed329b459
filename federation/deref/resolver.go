package deref

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/rounds-md/rounds/federation/signature"
	"github.com/rounds-md/rounds/storage"
)

// DefaultMaxAge is how long a stored remote actor counts as fresh.
const DefaultMaxAge = 24 * time.Hour

// Errors of resolution, for errors.Is.
var (
	// ErrLocal: the URI or address is on this instance, not remote.
	ErrLocal = errors.New("deref: local, not remote")
	// ErrKeyNotFound: the document at a key id does not hold that key.
	ErrKeyNotFound = errors.New("deref: key not found")
	// ErrKeyOwner: the key's owner is on another host or does not list
	// the key.
	ErrKeyOwner = errors.New("deref: key owner does not claim the key")
)

// ResolverConfig holds a Resolver's settings.
type ResolverConfig struct {
	// LocalDomain is this instance's host[:port]; URIs on it are never
	// fetched or stored as remote.
	LocalDomain string
	// MaxAge is how long a stored actor is served without refetching;
	// default DefaultMaxAge.
	MaxAge time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
	// OnActor, when set, is called with every actor fetched and stored,
	// and the document it was read from, so that extension properties
	// (Rounds' professional profile) can be read. It must not fail the
	// fetch: it logs its own errors.
	OnActor func(ctx context.Context, a *storage.Account, doc []byte)
}

// Resolver is the remote-actor cache: it serves stored remote actors while
// fresh and fetches (and stores) them otherwise. It implements
// signature.KeyResolver. It is safe for concurrent use.
type Resolver struct {
	store  *storage.Store
	client *Client
	local  string
	maxAge time.Duration
	now    func() time.Time
	log    *slog.Logger
	// onActor is ResolverConfig.OnActor.
	onActor func(ctx context.Context, a *storage.Account, doc []byte)
	// ids remembers the account ID of each actor URI and key id seen, so
	// that a lookup reads the row by ID through the store's read cache
	// (storage.AccountsByIDs) instead of querying by URI every time.
	ids *idIndex
}

var _ signature.KeyResolver = (*Resolver)(nil)

// NewResolver returns a Resolver storing actors in store and fetching them
// with client.
func NewResolver(store *storage.Store, client *Client, cfg ResolverConfig, log *slog.Logger) *Resolver {
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = DefaultMaxAge
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Resolver{
		store: store, client: client, local: strings.ToLower(cfg.LocalDomain),
		maxAge: cfg.MaxAge, now: cfg.Now, log: log, onActor: cfg.OnActor, ids: newIDIndex(),
	}
}

// Resolve returns the remote actor with that id: the stored copy while it
// is fresh, else a fetched one (stored). When a refetch fails for a reason
// other than 404 or 410, a stale stored copy is returned rather than an
// error.
func (r *Resolver) Resolve(ctx context.Context, uri string) (*storage.Account, error) {
	return r.resolve(ctx, uri, false)
}

// Refresh fetches the remote actor with that id now, whatever is stored.
func (r *Resolver) Refresh(ctx context.Context, uri string) (*storage.Account, error) {
	return r.resolve(ctx, uri, true)
}

func (r *Resolver) resolve(ctx context.Context, uri string, force bool) (*storage.Account, error) {
	if _, err := r.remoteURL(uri); err != nil {
		return nil, err
	}
	cached, err := r.lookup(ctx, uri, false)
	switch {
	case err == nil:
		if !force && r.fresh(cached) {
			return cached, nil
		}
	case errors.Is(err, storage.ErrNotFound):
		cached = nil
	default:
		return nil, fmt.Errorf("deref: resolve: %w", err)
	}
	a, err := r.fetchActor(ctx, uri, "")
	if err != nil {
		if cached != nil && !force && staleOK(err) {
			r.log.WarnContext(ctx, "deref: serving a stale remote actor", "account_id", cached.ID, "error", err)
			return cached, nil
		}
		return nil, err
	}
	return a, nil
}

// ResolveAcct returns the remote actor behind user@domain, found by
// WebFinger unless a fresh copy is stored. When the actor lives on another
// host than the address's domain, that host must confirm the address by
// WebFinger too.
func (r *Resolver) ResolveAcct(ctx context.Context, acct string) (*storage.Account, error) {
	a, err := ParseAcct(acct)
	if err != nil {
		return nil, err
	}
	if a.Domain == r.local {
		return nil, fmt.Errorf("%w: %s", ErrLocal, a)
	}
	if cached, err := r.store.AccountByUsername(ctx, a.Username, a.Domain); err == nil && !cached.Local() && r.fresh(cached) {
		return cached, nil
	}
	href, err := r.client.Finger(ctx, a.String())
	if err != nil {
		return nil, err
	}
	account, err := r.Resolve(ctx, href)
	if err != nil {
		return nil, err
	}
	if account.Domain != a.Domain {
		back, err := r.client.Finger(ctx, account.Username+"@"+account.Domain)
		if err != nil || back != href {
			return nil, fmt.Errorf("%w: %s names %s, which does not confirm it", ErrSubjectMismatch, a, href)
		}
	}
	return account, nil
}

// ResolveKey returns the key with that id and its owner. Without refresh a
// fresh stored actor holding the key answers. Otherwise the key id is
// fetched: an actor with the key in publicKey (ACTOR#main-key), or a key
// document or stub actor with an owner (GoToSocial's ACTOR/main-key), in
// which case the owner, on the same host, is fetched too and must list the
// key.
func (r *Resolver) ResolveKey(ctx context.Context, keyID string, refresh bool) (*signature.PublicKey, error) {
	ku, err := r.remoteURL(keyID)
	if err != nil {
		return nil, err
	}
	var cached *storage.Account
	if !refresh {
		a, err := r.lookup(ctx, keyID, true)
		switch {
		case err == nil:
			if r.fresh(a) {
				return publicKey(a, true)
			}
			cached = a
		case !errors.Is(err, storage.ErrNotFound):
			return nil, fmt.Errorf("deref: key: %w", err)
		}
	}
	a, err := r.fetchKeyOwner(ctx, keyID, ku)
	if err != nil {
		if cached != nil && staleOK(err) {
			r.log.WarnContext(ctx, "deref: using a stale key", "account_id", cached.ID, "error", err)
			return publicKey(cached, true)
		}
		return nil, err
	}
	return publicKey(a, false)
}

// fetchKeyOwner fetches a key id and the actor owning the key, stores the
// actor and returns it.
func (r *Resolver) fetchKeyOwner(ctx context.Context, keyID string, ku *url.URL) (*storage.Account, error) {
	doc, err := r.client.Get(ctx, keyID)
	if err != nil {
		return nil, fmt.Errorf("deref: key %s: %w", keyID, err)
	}
	o, err := decodeObject(doc.Body)
	if err != nil {
		return nil, err
	}
	entry := findKey(o, doc.ID, keyID)
	if entry == nil {
		return nil, fmt.Errorf("%w: %s", ErrKeyNotFound, keyID)
	}
	owner := entry.Owner
	if owner == "" && o.isActor() {
		owner = doc.ID
	}
	ou, err := url.Parse(owner)
	if owner == "" || err != nil || !strings.EqualFold(ou.Host, ku.Host) {
		return nil, fmt.Errorf("%w: key %s names owner %q", ErrKeyOwner, keyID, owner)
	}
	var a *storage.Account
	if owner == doc.ID && o.isActor() {
		// The key's own document is its owner (Mastodon's ACTOR#main-key).
		if parsed, err := parseActor(o, r.client.cfg.AllowPrivateAddresses, keyID, r.now()); err == nil {
			if err := r.store.UpsertRemoteAccount(ctx, parsed); err != nil {
				return nil, fmt.Errorf("deref: store actor: %w", err)
			}
			a = parsed
			r.stored(ctx, a, doc.Body)
		}
	}
	if a == nil {
		// A key document or a stub: the owner must be fetched.
		if a, err = r.fetchActor(ctx, owner, keyID); err != nil {
			return nil, err
		}
	}
	if a.PublicKeyURI == nil || *a.PublicKeyURI != keyID {
		return nil, fmt.Errorf("%w: %s does not list key %s", ErrKeyOwner, owner, keyID)
	}
	return a, nil
}

// findKey returns the key keyID from a fetched document: the document
// itself when it is a key document (publicKeyPem at the top), else the
// matching entry of its publicKey.
func findKey(o object, docID, keyID string) *keyEntry {
	if pem := o.str("publicKeyPem"); pem != "" {
		bare, _, _ := strings.Cut(keyID, "#")
		if docID == keyID || docID == bare {
			return &keyEntry{ID: keyID, Owner: o.iri("owner"), PEM: pem}
		}
	}
	for _, k := range o.keys() {
		if k.ID == keyID {
			return &k
		}
	}
	return nil
}

// fetchActor fetches the actor with id uri, checks that the document is
// exactly that actor, and stores it.
func (r *Resolver) fetchActor(ctx context.Context, uri, wantKeyID string) (*storage.Account, error) {
	doc, err := r.client.Get(ctx, uri)
	if err != nil {
		return nil, fmt.Errorf("deref: actor: %w", err)
	}
	if doc.ID != uri {
		return nil, fmt.Errorf("%w: asked for %s, got %s", ErrIDMismatch, uri, doc.ID)
	}
	o, err := decodeObject(doc.Body)
	if err != nil {
		return nil, err
	}
	a, err := parseActor(o, r.client.cfg.AllowPrivateAddresses, wantKeyID, r.now())
	if err != nil {
		return nil, err
	}
	if err := r.store.UpsertRemoteAccount(ctx, a); err != nil {
		return nil, fmt.Errorf("deref: store actor: %w", err)
	}
	r.stored(ctx, a, doc.Body)
	return a, nil
}

// stored indexes a stored actor and tells OnActor of it.
func (r *Resolver) stored(ctx context.Context, a *storage.Account, doc []byte) {
	r.ids.put(a)
	if r.onActor != nil {
		r.onActor(ctx, a, doc)
	}
}

// remoteURL parses a URI to resolve, refusing bad ones and this instance's.
func (r *Resolver) remoteURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRefusedURL, err)
	}
	if err := r.client.checkURL(u); err != nil {
		return nil, err
	}
	if strings.EqualFold(u.Host, r.local) {
		return nil, fmt.Errorf("%w: %s", ErrLocal, s)
	}
	return u, nil
}

// fresh reports whether a stored actor may be served without refetching.
func (r *Resolver) fresh(a *storage.Account) bool {
	return a.FetchedAt != nil && r.now().Sub(*a.FetchedAt) < r.maxAge
}

// staleOK reports whether a failed refetch may fall back to a stale copy:
// not when the server said the actor is gone or unknown.
func staleOK(err error) bool {
	return !errors.Is(err, ErrGone) && !errors.Is(err, ErrNotFound)
}

// publicKey returns the stored key of a remote actor.
func publicKey(a *storage.Account, cached bool) (*signature.PublicKey, error) {
	if a.PublicKeyURI == nil || a.PublicKeyPEM == "" || a.URI == nil {
		return nil, fmt.Errorf("%w: actor %d has no key", ErrKeyNotFound, a.ID)
	}
	k, err := signature.ParsePublicKeyPEM(a.PublicKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("deref: stored key of actor %d: %w", a.ID, err)
	}
	return &signature.PublicKey{ID: *a.PublicKeyURI, Owner: *a.URI, Key: k, Cached: cached}, nil
}
