package storage

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// RemoteAccountByURI returns the remote account whose ActivityPub id is uri.
func (s *Store) RemoteAccountByURI(ctx context.Context, uri string) (*Account, error) {
	a := new(Account)
	err := s.idb.NewSelect().Model(a).Where("uri = ?", uri).Where("domain <> ''").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: remote account by uri: %w", classify(err))
	}
	return a, nil
}

// RemoteAccountByKeyURI returns the remote account that published the key
// with that id; if several claim it, the one fetched last.
func (s *Store) RemoteAccountByKeyURI(ctx context.Context, keyURI string) (*Account, error) {
	a := new(Account)
	err := s.idb.NewSelect().Model(a).
		Where("public_key_uri = ?", keyURI).Where("domain <> ''").
		Order("fetched_at DESC").Limit(1).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: remote account by key: %w", classify(err))
	}
	return a, nil
}

// UpsertRemoteAccount stores a remote actor as its server just served it:
// a new row, or an update of the row with the same URI. It replaces what
// the remote server owns (names, profile, endpoints, key, FetchedAt) and
// keeps what this instance decided (ID, suspension, creation time). a is
// reloaded from the stored row. A username that another URI already holds
// on the same domain is ErrConflict.
func (s *Store) UpsertRemoteAccount(ctx context.Context, a *Account) error {
	if a.Domain == "" || a.URI == nil || *a.URI == "" {
		return errors.New("storage: upsert remote account: needs a domain and a URI")
	}
	if a.UserID != nil || a.PrivateKeyPEM != nil {
		return errors.New("storage: upsert remote account: a remote account has no user or private key")
	}
	now := time.Now().UTC()
	if a.ID == 0 {
		a.ID = s.NewID()
	}
	a.CreatedAt, a.UpdatedAt = now, now
	_, err := s.idb.NewInsert().Model(a).
		On("CONFLICT (uri) DO UPDATE").
		Set("username = EXCLUDED.username").
		Set("actor_type = EXCLUDED.actor_type").
		Set("display_name = EXCLUDED.display_name").
		Set("note = EXCLUDED.note").
		Set("locked = EXCLUDED.locked").
		Set("bot = EXCLUDED.bot").
		Set("discoverable = EXCLUDED.discoverable").
		Set("public_key_pem = EXCLUDED.public_key_pem").
		Set("public_key_uri = EXCLUDED.public_key_uri").
		Set("url = EXCLUDED.url").
		Set("inbox_uri = EXCLUDED.inbox_uri").
		Set("outbox_uri = EXCLUDED.outbox_uri").
		Set("shared_inbox_uri = EXCLUDED.shared_inbox_uri").
		Set("followers_uri = EXCLUDED.followers_uri").
		Set("following_uri = EXCLUDED.following_uri").
		Set("fetched_at = EXCLUDED.fetched_at").
		Set("updated_at = EXCLUDED.updated_at").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("storage: upsert remote account: %w", classify(err))
	}
	stored, err := s.RemoteAccountByURI(ctx, *a.URI)
	if err != nil {
		return err
	}
	*a = *stored
	return nil
}
