package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Preferences are an account's posting and reading defaults, as
// GET /api/v1/preferences reports them.
type Preferences struct {
	bun.BaseModel `bun:"table:account_preferences"`

	AccountID         int64     `bun:"account_id,pk"`
	DefaultVisibility string    `bun:"default_visibility,notnull"`
	DefaultSensitive  bool      `bun:"default_sensitive,notnull"`
	DefaultLanguage   *string   `bun:"default_language"`
	ExpandMedia       string    `bun:"expand_media,notnull"`
	ExpandSpoilers    bool      `bun:"expand_spoilers,notnull"`
	UpdatedAt         time.Time `bun:"updated_at,notnull"`
}

// PreferencesOf returns an account's preferences, the defaults (public,
// not sensitive, media expanded by default) when it has set none.
func (s *Store) PreferencesOf(ctx context.Context, accountID int64) (*Preferences, error) {
	return cachedOne(ctx, s, kindPreferences, accountID, func(ctx context.Context) (*Preferences, error) {
		return s.preferencesOf(ctx, accountID)
	}, copyOf[Preferences])
}

func (s *Store) preferencesOf(ctx context.Context, accountID int64) (*Preferences, error) {
	p := new(Preferences)
	err := s.idb.NewSelect().Model(p).Where("account_id = ?", accountID).Scan(ctx)
	if err != nil {
		if err := classify(err); errors.Is(err, ErrNotFound) {
			return &Preferences{AccountID: accountID, DefaultVisibility: "public", ExpandMedia: "default"}, nil
		}
		return nil, fmt.Errorf("storage: preferences: %w", classify(err))
	}
	return p, nil
}

// SetPreferences stores an account's preferences, replacing earlier ones.
func (s *Store) SetPreferences(ctx context.Context, p *Preferences) error {
	p.UpdatedAt = time.Now().UTC()
	_, err := s.idb.NewInsert().Model(p).On("CONFLICT (account_id) DO UPDATE").
		Set("default_visibility = EXCLUDED.default_visibility").Set("default_sensitive = EXCLUDED.default_sensitive").
		Set("default_language = EXCLUDED.default_language").Set("expand_media = EXCLUDED.expand_media").
		Set("expand_spoilers = EXCLUDED.expand_spoilers").Set("updated_at = EXCLUDED.updated_at").Exec(ctx)
	if err != nil {
		return fmt.Errorf("storage: set preferences: %w", classify(err))
	}
	return nil
}
