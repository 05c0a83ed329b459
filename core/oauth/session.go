package oauth

import (
	"context"
	"errors"
	"fmt"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/storage"
)

// ErrNoSession is returned for a missing, unknown or expired browser
// session, or one whose account can no longer act. It matches
// core.ErrUnauthorized.
var ErrNoSession = core.Errorf(core.ErrUnauthorized, "Please sign in.")

// StartSession opens a browser session for a signed-in user and returns
// the token for its cookie. Only the token's hash is stored.
func (s *Service) StartSession(ctx context.Context, u *storage.User, a *storage.Account) (string, error) {
	now := s.now()
	if _, err := s.store.DeleteExpiredWebSessions(ctx, now); err != nil {
		s.log.WarnContext(ctx, "oauth: delete expired sessions", "err", err)
	}
	token := newSecret()
	ws := &storage.WebSession{TokenHash: hashSecret(token), UserID: u.ID, AccountID: a.ID, ExpiresAt: now.Add(s.cfg.SessionTTL).UTC()}
	if err := s.store.CreateWebSession(ctx, ws); err != nil {
		return "", fmt.Errorf("oauth: start session: %w", err)
	}
	return token, nil
}

// Session returns the browser session a cookie token names, with its user
// and account, or ErrNoSession. A suspended account's session ends at once.
func (s *Service) Session(ctx context.Context, token string) (*storage.WebSession, error) {
	if token == "" {
		return nil, ErrNoSession
	}
	ws, err := s.store.ActiveWebSession(ctx, hashSecret(token), s.now())
	if errors.Is(err, storage.ErrNotFound) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, fmt.Errorf("oauth: session: %w", err)
	}
	if ws.User == nil || ws.User.ID == 0 || ws.Account == nil || ws.Account.ID == 0 || usable(ws.User, ws.Account) != nil {
		return nil, ErrNoSession
	}
	return ws, nil
}

// EndSession removes the browser session a cookie token names, if any.
func (s *Service) EndSession(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	if err := s.store.DeleteWebSession(ctx, hashSecret(token)); err != nil {
		return fmt.Errorf("oauth: end session: %w", err)
	}
	return nil
}
