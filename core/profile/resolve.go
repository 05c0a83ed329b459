package profile

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/storage"
)

// AcctResolver finds a remote account by its user@domain address on its
// server (WebFinger, then the actor document), storing it. federation
// implements it.
type AcctResolver interface {
	ResolveAcct(ctx context.Context, acct string) (*storage.Account, error)
}

// WithResolver makes Resolve ask r about remote addresses this instance
// does not know yet. Call it once while wiring, before s is used.
func (s *Service) WithResolver(r AcctResolver) *Service {
	s.resolver = r
	return s
}

// Resolve finds a shown account by acct as Lookup does and, when that
// fails for a remote address (user@other.example) and a resolver is set,
// asks the account's server. Whatever the remote failure, the answer is
// ErrNotFound (wrapping the cause for the logs).
func (s *Service) Resolve(ctx context.Context, acct string) (*Account, error) {
	a, err := s.Lookup(ctx, acct)
	if err == nil || !errors.Is(err, core.ErrNotFound) || s.resolver == nil {
		return a, err
	}
	_, domain, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(acct), "@"), "@")
	if s.IsLocalDomain(domain) {
		return nil, err
	}
	remote, rerr := s.resolver.ResolveAcct(ctx, acct)
	if rerr != nil {
		return nil, fmt.Errorf("profile: resolve: %w: %w", core.Errorf(core.ErrNotFound, "Record not found"), rerr)
	}
	return s.shown(ctx, remote)
}
