package signature

import (
	"context"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-fed/httpsig"
)

// Defaults for Config.
const (
	// DefaultMaxSkew is how far a request's Date may be from the clock,
	// either way: the hour Mastodon, Lemmy and Fedify effectively accept.
	DefaultMaxSkew = time.Hour
	// DefaultRefetchInterval is how often, at most, a failed verification
	// may force a key refetch from one host.
	DefaultRefetchInterval = time.Minute
)

// Config holds a Verifier's settings; zero values take the defaults.
type Config struct {
	// MaxSkew bounds |Date - now|; default DefaultMaxSkew.
	MaxSkew time.Duration
	// RefetchInterval spaces forced key refetches per remote host;
	// default DefaultRefetchInterval.
	RefetchInterval time.Duration
	// Now is the clock; default time.Now. Tests inject one.
	Now func() time.Time
	// Log receives key refetch events (key ids and hosts only); default discards.
	Log *slog.Logger
}

// Verifier checks the HTTP signatures of inbound requests. It is safe for
// concurrent use; it owns the in-memory refetch limiter.
type Verifier struct {
	keys    KeyResolver
	maxSkew time.Duration
	now     func() time.Time
	log     *slog.Logger
	limiter *refetchLimiter
}

// NewVerifier returns a Verifier that finds keys through keys.
func NewVerifier(keys KeyResolver, cfg Config) *Verifier {
	if cfg.MaxSkew <= 0 {
		cfg.MaxSkew = DefaultMaxSkew
	}
	if cfg.RefetchInterval <= 0 {
		cfg.RefetchInterval = DefaultRefetchInterval
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Verifier{
		keys: keys, maxSkew: cfg.MaxSkew, now: cfg.Now, log: cfg.Log,
		limiter: &refetchLimiter{every: cfg.RefetchInterval, last: map[string]time.Time{}},
	}
}

// Result is a verified signature.
type Result struct {
	// KeyID is the keyId the request was signed with.
	KeyID string
	// Owner is the id of the actor that owns the key.
	Owner string
}

// CheckActor refuses, with ErrOwner, an activity whose actor is not the
// key's owner; the inbox calls it once it has read the activity.
func (res *Result) CheckActor(actor string) error {
	if actor == "" || actor != res.Owner {
		return refuse(ErrOwner, "key %s belongs to %s, not to %q", res.KeyID, res.Owner, actor)
	}
	return nil
}

// Verify checks r's signature against body, the exact bytes of r's body
// (the caller has read them, under a size cap). It requires signed
// (request-target), host, and date or (created), and on anything but GET
// and HEAD a signed digest or content-digest; a signed Date or (created)
// within MaxSkew, an (expires) not past; every Digest and
// Content-Digest present to match body. It then resolves the key and
// verifies the signature (with the query string, then, as Mastodon does,
// without it). When a cached key fails it refetches the key once, at most
// once per RefetchInterval per host. Every error is an *Error.
func (v *Verifier) Verify(ctx context.Context, r *http.Request, body []byte) (*Result, error) {
	p, err := v.checkRequest(r, body)
	if err != nil {
		return nil, err
	}
	key, err := v.keys.ResolveKey(ctx, p.KeyID, false)
	if err != nil {
		return nil, &Error{Kind: ErrKey, Msg: p.KeyID, Cause: err}
	}
	verr := verifyWith(r, p, key)
	if verr != nil && key.Cached {
		host := keyHost(p.KeyID)
		if !v.limiter.allow(host, v.now()) {
			return nil, refuse(ErrInvalid, "%v (key %s not refetched: %s was refetched less than a minute ago)", verr, p.KeyID, host)
		}
		v.log.InfoContext(ctx, "signature: refetching key after a failed verification", "key_id", p.KeyID)
		key, err = v.keys.ResolveKey(ctx, p.KeyID, true)
		if err != nil {
			return nil, &Error{Kind: ErrKey, Msg: p.KeyID + " (refetch)", Cause: err}
		}
		verr = verifyWith(r, p, key)
	}
	if verr != nil {
		return nil, refuse(ErrInvalid, "%v (key %s)", verr, p.KeyID)
	}
	if key.Owner == "" {
		return nil, refuse(ErrKey, "key %s has no owner", p.KeyID)
	}
	return &Result{KeyID: p.KeyID, Owner: key.Owner}, nil
}

// checkRequest does every check that needs no key.
func (v *Verifier) checkRequest(r *http.Request, body []byte) (*Params, error) {
	vals := r.Header.Values("Signature")
	switch len(vals) {
	case 0:
		return nil, refuse(ErrMissing, "no Signature header")
	case 1:
	default:
		return nil, refuse(ErrMalformed, "more than one Signature header")
	}
	p, err := Parse(vals[0])
	if err != nil {
		return nil, refuse(ErrMalformed, "%v", err)
	}
	switch p.Algorithm {
	case "", "hs2019", "rsa-sha256", "rsa-sha512", "ed25519":
	default:
		return nil, refuse(ErrAlgorithm, "%q", p.Algorithm)
	}
	for _, h := range []string{httpsig.RequestTarget, "host"} {
		if !p.Signs(h) {
			return nil, refuse(ErrHeaders, "headers must include %s", h)
		}
	}
	if !p.Signs("date") && !p.Signs("(created)") {
		return nil, refuse(ErrHeaders, "headers must include date or (created)")
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !p.Signs("digest") && !p.Signs("content-digest") {
		return nil, refuse(ErrHeaders, "headers must include digest on %s", r.Method)
	}
	for _, h := range p.Headers {
		if strings.HasPrefix(h, "(") {
			if h != httpsig.RequestTarget && h != "(created)" && h != "(expires)" {
				return nil, refuse(ErrHeaders, "unknown pseudo-header %s", h)
			}
			continue
		}
		if h == "host" && r.Host != "" {
			continue
		}
		if len(r.Header.Values(h)) == 0 {
			return nil, refuse(ErrHeaders, "signed header %s is absent", h)
		}
	}
	if p.Signs("date") {
		if err := v.checkDate(r.Header); err != nil {
			return nil, err
		}
	}
	if err := v.checkCreated(p); err != nil {
		return nil, err
	}
	if err := checkDigests(r.Header, body); err != nil {
		return nil, err
	}
	return p, nil
}

// checkCreated applies the Date rule to a signed (created), as Mastodon
// does: within maxSkew of now; and refuses a signature past its
// (expires).
func (v *Verifier) checkCreated(p *Params) error {
	now := v.now()
	if p.Signs("(created)") {
		if p.Created == 0 {
			return refuse(ErrDate, "(created) is signed but the created parameter is missing")
		}
		if d := now.Sub(time.Unix(p.Created, 0)); d > v.maxSkew || d < -v.maxSkew {
			return refuse(ErrDate, "created %d is %s away from now", p.Created, d.Round(time.Second))
		}
	}
	if p.Expires != 0 && now.After(time.Unix(p.Expires, 0)) {
		return refuse(ErrDate, "the signature expired at %d", p.Expires)
	}
	return nil
}

// checkDate requires one Date header within maxSkew of now.
func (v *Verifier) checkDate(h http.Header) error {
	vals := h.Values("Date")
	if len(vals) != 1 {
		return refuse(ErrDate, "want exactly one Date header, got %d", len(vals))
	}
	t, err := http.ParseTime(vals[0])
	if err != nil {
		return refuse(ErrDate, "unreadable Date %q", clip(vals[0]))
	}
	now := v.now()
	if d := now.Sub(t); d > v.maxSkew || d < -v.maxSkew {
		return refuse(ErrDate, "Date %s is %s away from %s", vals[0], d.Round(time.Second), now.UTC().Format(http.TimeFormat))
	}
	return nil
}

// verifyWith checks the signature with one key, trying the algorithms the
// key's type allows and the request target with and without its query.
func verifyWith(r *http.Request, p *Params, key *PublicKey) error {
	if key == nil || key.Key == nil {
		return errors.New("no key")
	}
	var algos []httpsig.Algorithm
	switch key.Key.(type) {
	case *rsa.PublicKey:
		switch p.Algorithm {
		case "rsa-sha256":
			algos = []httpsig.Algorithm{httpsig.RSA_SHA256}
		case "rsa-sha512":
			algos = []httpsig.Algorithm{httpsig.RSA_SHA512}
		case "", "hs2019":
			algos = []httpsig.Algorithm{httpsig.RSA_SHA256, httpsig.RSA_SHA512}
		}
	case ed25519.PublicKey:
		if p.Algorithm == "" || p.Algorithm == "hs2019" || p.Algorithm == "ed25519" {
			algos = []httpsig.Algorithm{httpsig.ED25519}
		}
	}
	if len(algos) == 0 {
		return fmt.Errorf("algorithm %q does not fit a %T key", p.Algorithm, key.Key)
	}
	targets := []string{r.URL.RawQuery}
	if r.URL.RawQuery != "" {
		targets = append(targets, "")
	}
	var last error
	for _, q := range targets {
		vr := verificationRequest(r, p, q)
		hv, err := httpsig.NewVerifier(vr)
		if err != nil {
			return err
		}
		for _, a := range algos {
			if last = hv.Verify(key.Key, a); last == nil {
				return nil
			}
		}
	}
	return errors.New("signature mismatch")
}

// verificationRequest is what go-fed/httpsig sees: a copy of r with its own
// header map, the Signature header re-encoded from the parameters Parse
// read (so both read the same parameters), the wire form of the path and
// the given query.
func verificationRequest(r *http.Request, p *Params, rawQuery string) *http.Request {
	c := *r
	c.Header = r.Header.Clone()
	c.Header.Set("Signature", p.String())
	c.Header.Del("Authorization")
	u := *r.URL
	u.Path, u.RawPath = r.URL.EscapedPath(), ""
	if u.Path == "" {
		u.Path = "/"
	}
	u.RawQuery = rawQuery
	c.URL = &u
	return &c
}

// keyHost is the host a key id points at, for rate limiting.
func keyHost(keyID string) string {
	if u, err := url.Parse(keyID); err == nil && u.Host != "" {
		return strings.ToLower(u.Host)
	}
	return keyID
}

// refetchLimiter allows one forced refetch per host per interval.
type refetchLimiter struct {
	mu    sync.Mutex
	every time.Duration
	last  map[string]time.Time
}

// maxLimiterHosts bounds the limiter's memory; past it, entries older than
// the interval are dropped.
const maxLimiterHosts = 4096

func (l *refetchLimiter) allow(host string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t, ok := l.last[host]; ok && now.Sub(t) < l.every {
		return false
	}
	if len(l.last) >= maxLimiterHosts {
		for h, t := range l.last {
			if now.Sub(t) >= l.every {
				delete(l.last, h)
			}
		}
	}
	l.last[host] = now
	return true
}
