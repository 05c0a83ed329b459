package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Marker is where an account stopped reading a timeline.
type Marker struct {
	bun.BaseModel `bun:"table:markers"`

	AccountID  int64     `bun:"account_id,pk"`
	Timeline   string    `bun:"timeline,pk"`
	LastReadID int64     `bun:"last_read_id,notnull"`
	Version    int       `bun:"version,notnull"`
	UpdatedAt  time.Time `bun:"updated_at,notnull"`
}

// MarkersOf returns accountID's markers for the timelines asked for,
// keyed by timeline; timelines without one are absent.
func (s *Store) MarkersOf(ctx context.Context, accountID int64, timelines []string) (map[string]Marker, error) {
	out := map[string]Marker{}
	if len(timelines) == 0 {
		return out, nil
	}
	var rows []Marker
	if err := s.idb.NewSelect().Model(&rows).Where("account_id = ?", accountID).
		Where("timeline IN (?)", bun.In(timelines)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: markers: %w", classify(err))
	}
	for _, m := range rows {
		out[m.Timeline] = m
	}
	return out, nil
}

// SaveMarker sets accountID's marker for a timeline, adding one to its
// version, and returns it as stored.
func (s *Store) SaveMarker(ctx context.Context, accountID int64, timeline string, lastReadID int64) (*Marker, error) {
	m := &Marker{AccountID: accountID, Timeline: timeline, LastReadID: lastReadID, UpdatedAt: time.Now().UTC()}
	if err := s.idb.NewRaw(`INSERT INTO markers (account_id, timeline, last_read_id, version, updated_at) VALUES (?, ?, ?, 0, ?)
		ON CONFLICT (account_id, timeline) DO UPDATE
		SET last_read_id = EXCLUDED.last_read_id, updated_at = EXCLUDED.updated_at, version = markers.version + 1
		RETURNING version`, accountID, timeline, lastReadID, m.UpdatedAt).Scan(ctx, &m.Version); err != nil {
		return nil, fmt.Errorf("storage: save marker: %w", classify(err))
	}
	return m, nil
}
