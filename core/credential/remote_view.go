package credential

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
)

// Defaults of RemoteViewConfig.
const (
	// DefaultRemoteViewLimit is how many remote profiles one viewer may
	// ask for in DefaultRemoteViewPeriod.
	DefaultRemoteViewLimit = 30
	// DefaultRemoteViewPeriod is the window the limit counts in.
	DefaultRemoteViewPeriod = 10 * time.Minute
	// maxRemoteViewers bounds the limiter's table; past it, windows that
	// have ended are dropped first.
	maxRemoteViewers = 10_000
)

// ProfileFetcher fetches a remote account's actor document signed with
// a local viewer's own key, and reads the professional profile its
// instance shows that viewer. federation implements it. It must not
// store what it fetched.
type ProfileFetcher interface {
	FetchProfileAs(ctx context.Context, viewer, owner *storage.Account) (Remote, error)
}

// RemoteViewConfig holds RemoteViews' settings; zero values take the
// defaults.
type RemoteViewConfig struct {
	// Limit and Period bound how many remote profiles one viewer may ask
	// for: Limit per Period, in fixed windows.
	Limit  int
	Period time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// RemoteViews lets a local viewer see, on their explicit request, the
// professional fields of an account on another Rounds instance that the
// owner's audiences let them see there (followers, physicians): this
// instance fetches the owner's actor signed with the viewer's own key,
// and the owner's instance answers as it would answer the viewer. The
// fetch tells the owner's instance who is looking, so it is never made
// on its own (not while rendering timelines, lookups or the directory).
// The answer is returned to that viewer only: it is neither stored as
// the actor nor cached. Each viewer may ask Limit times per Period.
// RemoteViews is safe for concurrent use; its counts live in memory, one
// table per process.
type RemoteViews struct {
	creds *Service
	fetch ProfileFetcher
	cfg   RemoteViewConfig
	log   *slog.Logger

	mu      sync.Mutex
	windows map[int64]viewWindow
}

// viewWindow counts one viewer's requests in the window starting at start.
type viewWindow struct {
	start time.Time
	n     int
}

// NewRemoteViews returns RemoteViews over creds, fetching with fetch
// (nil: remote profiles cannot be asked for, federation being off).
func NewRemoteViews(creds *Service, fetch ProfileFetcher, cfg RemoteViewConfig) *RemoteViews {
	if cfg.Limit <= 0 {
		cfg.Limit = DefaultRemoteViewLimit
	}
	if cfg.Period <= 0 {
		cfg.Period = DefaultRemoteViewPeriod
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &RemoteViews{creds: creds, fetch: fetch, cfg: cfg, log: creds.log, windows: map[int64]viewWindow{}}
}

// WithFetcher makes r fetch remote profiles with fetch (nil: they cannot
// be asked for). Call it once while wiring, before r is used.
func (r *RemoteViews) WithFetcher(fetch ProfileFetcher) *RemoteViews {
	r.fetch = fetch
	return r
}

// Askable reports whether viewer could ask for owner's profile: a
// signed-in local viewer looking at a remote account known to be on a
// Rounds instance. Pages use it to offer the action.
func (r *RemoteViews) Askable(ctx context.Context, viewer, owner *storage.Account) (bool, error) {
	if r.fetch == nil || viewer == nil || !viewer.Local() || owner == nil || owner.Local() {
		return false, nil
	}
	return r.creds.IsRounds(ctx, owner)
}

// Fetch returns owner's professional card as owner's instance shows it to
// viewer, for viewer only: every field in it is one that instance chose
// to show them, so each reads as public here and is rendered with
// credential.Show for the same viewer (which still hides everything
// across a block). For a local owner nothing is fetched: the stored card
// is returned. Across a block in either direction nothing is fetched
// either. Errors: core.ErrUnauthorized without a viewer, core.ErrInvalid
// for a remote account that is not on a Rounds instance, core.ErrTooMany
// past the viewer's limit, and what the fetcher reports
// (core.ErrUnavailable, core.ErrGone, core.ErrForbidden).
func (r *RemoteViews) Fetch(ctx context.Context, viewer, owner *storage.Account) (*Card, error) {
	if viewer == nil {
		return nil, fmt.Errorf("credential: remote view: %w", core.Errorf(core.ErrUnauthorized, "Sign in to ask for a profile"))
	}
	if owner == nil {
		return nil, fmt.Errorf("credential: remote view: %w", core.Errorf(core.ErrNotFound, "Record not found"))
	}
	if owner.Local() {
		return r.stored(ctx, owner)
	}
	if !viewer.Local() || viewer.PrivateKeyPEM == nil || viewer.ActorType == storage.ActorApplication {
		return nil, fmt.Errorf("credential: remote view: %w", core.ErrForbidden)
	}
	ties, err := r.creds.store.TiesOf(ctx, viewer.ID, []int64{owner.ID})
	if err != nil {
		return nil, fmt.Errorf("credential: remote view: %w", err)
	}
	if ties.Blocking[owner.ID] || ties.BlockedBy[owner.ID] {
		return r.stored(ctx, owner) // Show hides it all from this viewer
	}
	rounds, err := r.creds.IsRounds(ctx, owner)
	if err != nil {
		return nil, fmt.Errorf("credential: remote view: %w", err)
	}
	if !rounds || r.fetch == nil {
		return nil, fmt.Errorf("credential: remote view: %w", core.Errorf(core.ErrInvalid,
			"@%s@%s is not on a Rounds instance: it has no professional profile to ask for", owner.Username, owner.Domain))
	}
	if err := r.take(viewer.ID); err != nil {
		return nil, fmt.Errorf("credential: remote view: %w", err)
	}
	got, err := r.fetch.FetchProfileAs(ctx, viewer, owner)
	if err != nil {
		return nil, fmt.Errorf("credential: remote view: %w", err)
	}
	// Debug only: who looks at whom is itself private.
	r.log.DebugContext(ctx, "remote professional profile asked for", "viewer_id", viewer.ID, "account_id", owner.ID)
	return r.creds.remoteCard(owner, got), nil
}

// stored returns the card this instance keeps for a.
func (r *RemoteViews) stored(ctx context.Context, a *storage.Account) (*Card, error) {
	cards, err := r.creds.Cards(ctx, []*storage.Account{a})
	if err != nil {
		return nil, fmt.Errorf("credential: remote view: %w", err)
	}
	return cards[a.ID], nil
}

// take counts one request of viewer, refusing it past the limit.
func (r *RemoteViews) take(viewer int64) error {
	now := r.cfg.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	w, ok := r.windows[viewer]
	if !ok || now.Sub(w.start) >= r.cfg.Period {
		if !ok && len(r.windows) >= maxRemoteViewers {
			r.sweep(now)
		}
		w = viewWindow{start: now}
	}
	if w.n >= r.cfg.Limit {
		return core.Errorf(core.ErrTooMany, "Too many profiles asked for: try again after %s", w.start.Add(r.cfg.Period).UTC().Format(time.RFC3339))
	}
	w.n++
	r.windows[viewer] = w
	return nil
}

// sweep drops the windows that have ended. The caller holds mu.
func (r *RemoteViews) sweep(now time.Time) {
	for id, w := range r.windows {
		if now.Sub(w.start) >= r.cfg.Period {
			delete(r.windows, id)
		}
	}
}

// IsRounds reports whether a remote account is known to be on a Rounds
// instance: its actor named the Rounds terms when it was last fetched
// (StoreRemote then keeps a profile, empty or not), or its instance
// vouches for it.
func (s *Service) IsRounds(ctx context.Context, a *storage.Account) (bool, error) {
	if a.Local() {
		return true, nil
	}
	_, err := s.store.ProfessionalProfileOf(ctx, a.ID)
	switch {
	case err == nil:
		return true, nil
	case !errors.Is(err, storage.ErrNotFound):
		return false, fmt.Errorf("credential: is rounds: %w", err)
	}
	vs, err := s.store.ActiveVerificationsOf(ctx, []int64{a.ID})
	if err != nil {
		return false, fmt.Errorf("credential: is rounds: %w", err)
	}
	return vs[a.ID] != nil, nil
}

// remoteCard makes a card of what a remote instance answered a viewer:
// the fields as StoreRemote would keep them (known codes only, checked),
// but each readable by that viewer, and the verification when the
// account's own instance states it about the account.
func (s *Service) remoteCard(a *storage.Account, r Remote) *Card {
	c := &Card{AccountID: a.ID, Profile: &Profile{Audience: map[Field]visibility.Audience{}}}
	if r.Profile != nil {
		if p := s.lenient(r.Profile); p.Validate(s.vocab) == nil {
			c.Profile = p
		}
	}
	if v := r.Verification; v != nil && strings.EqualFold(strings.TrimSpace(v.Issuer), a.Domain) {
		cred := strings.TrimSpace(v.Credential)
		if cred != "" && checkText("credential", cred, MaxCredentialRunes) == nil {
			at := v.VerifiedAt.UTC().Truncate(time.Second)
			if at.IsZero() || at.After(time.Now()) {
				at = time.Now().UTC().Truncate(time.Second)
			}
			c.Verification = &Verification{Credential: cred, VerifiedAt: at, Issuer: a.Domain}
		}
	}
	return c
}
