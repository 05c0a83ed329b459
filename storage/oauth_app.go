package storage

import (
	"context"
	"fmt"
	"time"
)

// CreateOAuthApp stores an app, filling in its ID and timestamps. A taken
// client ID is ErrConflict.
func (s *Store) CreateOAuthApp(ctx context.Context, a *OAuthApp) error {
	now := time.Now().UTC()
	a.ID = s.NewID()
	a.CreatedAt, a.UpdatedAt = now, now
	if _, err := s.idb.NewInsert().Model(a).Exec(ctx); err != nil {
		return fmt.Errorf("storage: create app: %w", classify(err))
	}
	return nil
}

// OAuthAppByClientID returns the app with that client ID.
func (s *Store) OAuthAppByClientID(ctx context.Context, clientID string) (*OAuthApp, error) {
	a := new(OAuthApp)
	if err := s.idb.NewSelect().Model(a).Where("client_id = ?", clientID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: app by client id: %w", classify(err))
	}
	return a, nil
}

// OAuthAppByID returns the app with that ID.
func (s *Store) OAuthAppByID(ctx context.Context, id int64) (*OAuthApp, error) {
	a := new(OAuthApp)
	if err := s.idb.NewSelect().Model(a).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: app %d: %w", id, classify(err))
	}
	return a, nil
}
