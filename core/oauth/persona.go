package oauth

import (
	"context"
	"fmt"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/storage"
)

// Personas returns the accounts a signed-in user may act as (the
// personas of the sign-in that are not suspended), the first made
// first, for the consent page to offer.
func (s *Service) Personas(ctx context.Context, u *storage.User) ([]storage.Account, error) {
	all, err := s.store.AccountsOfUser(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("oauth: personas: %w", err)
	}
	out := all[:0]
	for _, a := range all {
		if usable(u, &a) == nil {
			out = append(out, a)
		}
	}
	return out, nil
}

// Persona returns the persona accountID of the signed-in user u, for the
// app to act as; ErrForbidden when it is not one of u's usable personas.
func (s *Service) Persona(ctx context.Context, u *storage.User, accountID int64) (*storage.Account, error) {
	ps, err := s.Personas(ctx, u)
	if err != nil {
		return nil, err
	}
	for i := range ps {
		if ps[i].ID == accountID {
			return &ps[i], nil
		}
	}
	return nil, fmt.Errorf("oauth: persona: %w", core.Errorf(core.ErrForbidden, "That persona is not yours to choose."))
}
