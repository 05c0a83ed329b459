package storage

import (
	"context"
	"fmt"
	"time"
)

// CreateWebSession stores a browser session, filling in its ID and
// creation time.
func (s *Store) CreateWebSession(ctx context.Context, ws *WebSession) error {
	ws.ID = s.NewID()
	ws.CreatedAt = time.Now().UTC()
	if _, err := s.idb.NewInsert().Model(ws).Exec(ctx); err != nil {
		return fmt.Errorf("storage: create session: %w", classify(err))
	}
	return nil
}

// ActiveWebSession returns the unexpired session with that token hash,
// with its user and account, in one query.
func (s *Store) ActiveWebSession(ctx context.Context, tokenHash string, now time.Time) (*WebSession, error) {
	ws := new(WebSession)
	err := s.idb.NewSelect().Model(ws).Relation("User").Relation("Account").
		Where("web_session.token_hash = ?", tokenHash).
		Where("web_session.expires_at > ?", now.UTC()).
		Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: session: %w", classify(err))
	}
	return ws, nil
}

// DeleteWebSession removes the session with that token hash, if any.
func (s *Store) DeleteWebSession(ctx context.Context, tokenHash string) error {
	if _, err := s.idb.NewDelete().Model((*WebSession)(nil)).Where("token_hash = ?", tokenHash).Exec(ctx); err != nil {
		return fmt.Errorf("storage: delete session: %w", classify(err))
	}
	return nil
}

// DeleteExpiredWebSessions removes sessions that expired before cutoff and
// returns how many went.
func (s *Store) DeleteExpiredWebSessions(ctx context.Context, cutoff time.Time) (int, error) {
	res, err := s.idb.NewDelete().Model((*WebSession)(nil)).Where("expires_at < ?", cutoff.UTC()).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("storage: delete expired sessions: %w", classify(err))
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
