package oauth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/storage"
)

// activeEvery is how often token use refreshes users.last_active_at.
const activeEvery = time.Hour

// Grant is what a valid access token stands for.
type Grant struct {
	Token  *storage.OAuthToken
	App    *storage.OAuthApp
	Scopes Scopes
	// User and Account are nil for app-only (client_credentials) tokens.
	User    *storage.User
	Account *storage.Account
}

// ErrInvalidToken is returned for an unknown, revoked or otherwise
// unusable access token (a suspended account's). It matches
// core.ErrUnauthorized.
var ErrInvalidToken = core.Errorf(core.ErrUnauthorized, "The access token is invalid")

// Authenticate resolves a bearer token: one query for the token, its app,
// user and account, or none when the same token was resolved less than
// Config.TokenCacheTTL ago (see grantCache: a revocation or suspension in
// this process takes effect at once, one made by another process within
// the TTL). A token whose account is suspended or whose user is gone stops
// working. It records the user as active at most once an hour. The Grant
// returned is the caller's own copy.
func (s *Service) Authenticate(ctx context.Context, token string) (*Grant, error) {
	if token == "" {
		return nil, ErrInvalidToken
	}
	sum := sha256.Sum256([]byte(token))
	cached, gen := s.grants.get(sum, s.now())
	if cached != nil {
		return cached, nil
	}
	g, err := s.authenticate(ctx, hex.EncodeToString(sum[:]))
	if err != nil {
		return nil, err
	}
	s.grants.put(sum, g, gen, s.now())
	return g, nil
}

// authenticate resolves a token by its hash from the database.
func (s *Service) authenticate(ctx context.Context, hash string) (*Grant, error) {
	t, err := s.store.ActiveOAuthToken(ctx, hash)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, fmt.Errorf("oauth: authenticate: %w", err)
	}
	if t.App == nil || t.App.ID == 0 {
		return nil, ErrInvalidToken
	}
	g := &Grant{Token: t, App: t.App, Scopes: scopesOf(t.Scopes)}
	if t.UserID != nil {
		if t.User == nil || t.User.ID == 0 || t.Account == nil || t.Account.ID == 0 || t.Account.Suspended() {
			return nil, ErrInvalidToken
		}
		g.User, g.Account = t.User, t.Account
		now := s.now()
		if t.User.LastActiveAt == nil || now.Sub(*t.User.LastActiveAt) >= activeEvery {
			if err := s.store.TouchUserActive(ctx, t.User.ID, now, now.Add(-activeEvery)); err != nil {
				s.log.WarnContext(ctx, "oauth: record activity", "user_id", t.User.ID, "err", err)
			}
		}
	}
	t.App, t.User, t.Account = nil, nil, nil // reachable through the Grant
	return g, nil
}

// scopesOf reads scopes stored by this package, which were valid when
// stored; a scope no longer known is dropped rather than failing the token.
func scopesOf(stored string) Scopes {
	var out Scopes
	for _, f := range splitScopes(stored) {
		if known[f] {
			out = append(out, f)
		}
	}
	return out
}
