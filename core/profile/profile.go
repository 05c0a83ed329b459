package profile

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/storage"
)

// Account is an account with the counts its profile shows.
type Account struct {
	*storage.Account
	Stats storage.AccountStats
	// Extras are the avatar, header and owner's own fields; nil when the
	// account has none.
	Extras *storage.AccountProfile
	// Card is the professional profile with every audience, unfiltered:
	// render it only through credential.Show for a viewer.
	Card *credential.Card
}

// Service loads profiles over a Store.
type Service struct {
	store *storage.Store
	inst  instance.Config
	// resolver finds unknown remote accounts (WithResolver).
	resolver AcctResolver
	// loaded keeps what LoadIDs read while the read cache's stamp holds.
	loaded *loaded
}

// New returns a Service.
func New(store *storage.Store, inst instance.Config) *Service {
	return &Service{store: store, inst: inst, loaded: &loaded{store: store}}
}

// Shown reports whether an account may be shown through the API at all:
// not the instance actor and not a suspended account.
func Shown(a *storage.Account) bool {
	return a != nil && a.ActorType != storage.ActorApplication && !a.Suspended()
}

// Get returns the shown account with that ID; ErrNotFound otherwise. Its
// private key is not read (storage.AccountsByIDs): a profile is for
// showing, and code that signs reads the key itself.
func (s *Service) Get(ctx context.Context, id int64) (*Account, error) {
	m, err := s.store.AccountsByIDs(ctx, []int64{id})
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	a, ok := m[id]
	if !ok {
		return nil, fmt.Errorf("profile: %w", core.Errorf(core.ErrNotFound, "Record not found"))
	}
	return s.shown(ctx, a)
}

// Lookup finds a shown account by acct: "user", "@user", "user@domain"
// (this instance's domain or host names a local account). Remote accounts
// are found only when already known; resolving them is federation's job.
func (s *Service) Lookup(ctx context.Context, acct string) (*Account, error) {
	acct = strings.TrimPrefix(strings.TrimSpace(acct), "@")
	user, domain, _ := strings.Cut(acct, "@")
	if user == "" {
		return nil, fmt.Errorf("profile: lookup: %w", core.Errorf(core.ErrNotFound, "Record not found"))
	}
	if s.IsLocalDomain(domain) {
		domain = ""
	}
	a, err := s.store.AccountByUsername(ctx, user, domain)
	if err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return nil, fmt.Errorf("profile: lookup: %w", core.Errorf(core.ErrNotFound, "Record not found"))
		}
		return nil, fmt.Errorf("profile: lookup: %w", err)
	}
	return s.shown(ctx, a)
}

// IsLocalDomain reports whether domain names this instance ("" does).
func (s *Service) IsLocalDomain(domain string) bool {
	return domain == "" || strings.EqualFold(domain, s.inst.Domain) || strings.EqualFold(domain, s.inst.Host())
}

func (s *Service) shown(ctx context.Context, a *storage.Account) (*Account, error) {
	if !Shown(a) {
		return nil, fmt.Errorf("profile: %w", core.Errorf(core.ErrNotFound, "Record not found"))
	}
	out, err := s.Load(ctx, []*storage.Account{a})
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}

// Load adds the counts to each account, keeping the order.
func (s *Service) Load(ctx context.Context, accts []*storage.Account) ([]Account, error) {
	ids := make([]int64, len(accts))
	for i, a := range accts {
		ids[i] = a.ID
	}
	stats, err := s.store.AccountStatsOf(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	extras, err := s.store.AccountProfilesOf(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	cards, err := credential.LoadCards(ctx, s.store, s.inst, accts)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	out := make([]Account, len(accts))
	for i, a := range accts {
		out[i] = Account{Account: a, Stats: stats[a.ID], Extras: extras[a.ID], Card: cards[a.ID]}
	}
	return out, nil
}

// LoadIDs loads the shown accounts among ids, keyed by ID. What the
// accounts point to (the row, extras and card) may be shared with other
// callers for as long as the read cache's stamp holds: read it, never
// change it.
func (s *Service) LoadIDs(ctx context.Context, ids []int64) (map[int64]Account, error) {
	st, ok := s.store.ReadStamp()
	if !ok {
		return s.loadIDs(ctx, ids)
	}
	out := make(map[int64]Account, len(ids))
	miss := s.loaded.get(st, ids, out)
	if len(miss) == 0 {
		return out, nil
	}
	found, err := s.loadIDs(ctx, miss)
	if err != nil {
		return nil, err
	}
	s.loaded.put(st, miss, found)
	for id, a := range found {
		out[id] = a
	}
	return out, nil
}

// loadIDs is LoadIDs from the Store.
func (s *Service) loadIDs(ctx context.Context, ids []int64) (map[int64]Account, error) {
	m, err := s.store.AccountsByIDs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	accts := make([]*storage.Account, 0, len(m))
	for _, a := range m {
		if Shown(a) {
			accts = append(accts, a)
		}
	}
	loaded, err := s.Load(ctx, accts)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]Account, len(loaded))
	for _, a := range loaded {
		out[a.ID] = a
	}
	return out, nil
}
