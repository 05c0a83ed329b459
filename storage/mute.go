package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Mute is AccountID muting TargetAccountID: the target's posts leave the
// muter's timelines and, with HideNotifications, its notifications too,
// until ExpiresAt (nil: until unmuted). An expired mute is kept until it
// is replaced or lifted but counts for nothing.
type Mute struct {
	bun.BaseModel `bun:"table:mutes,alias:m"`

	ID                int64      `bun:"id,pk"`
	AccountID         int64      `bun:"account_id,notnull"`
	TargetAccountID   int64      `bun:"target_account_id,notnull"`
	HideNotifications bool       `bun:"hide_notifications,notnull"`
	ExpiresAt         *time.Time `bun:"expires_at"`
	CreatedAt         time.Time  `bun:"created_at,notnull"`
	UpdatedAt         time.Time  `bun:"updated_at,notnull"`
}

// activeMute narrows q to mutes in force at now.
func activeMute(q *bun.SelectQuery, now time.Time) *bun.SelectQuery {
	return q.Where("(m.expires_at IS NULL OR m.expires_at > ?)", now.UTC())
}

// UpsertMute stores a mute, or replaces the options and expiry of an
// existing one between the same accounts.
func (s *Store) UpsertMute(ctx context.Context, m *Mute) error {
	now := time.Now().UTC()
	if m.ID == 0 {
		m.ID = s.NewID()
	}
	m.CreatedAt, m.UpdatedAt = now, now
	if m.ExpiresAt != nil {
		at := m.ExpiresAt.UTC()
		m.ExpiresAt = &at
	}
	_, err := s.idb.NewInsert().Model(m).
		On("CONFLICT (account_id, target_account_id) DO UPDATE").
		Set("hide_notifications = EXCLUDED.hide_notifications").Set("expires_at = EXCLUDED.expires_at").
		Set("updated_at = EXCLUDED.updated_at").Exec(ctx)
	if err != nil {
		return fmt.Errorf("storage: mute: %w", classify(err))
	}
	return nil
}

// DeleteMute lifts accountID's mute of targetID, reporting whether there
// was one.
func (s *Store) DeleteMute(ctx context.Context, accountID, targetID int64) (bool, error) {
	return s.deleteBetween(ctx, "mutes", accountID, targetID)
}

// MutesAmong returns accountID's mutes in force at now of each of others
// that it mutes, keyed by the muted account's ID.
func (s *Store) MutesAmong(ctx context.Context, accountID int64, others []int64, now time.Time) (map[int64]Mute, error) {
	out := map[int64]Mute{}
	if accountID == 0 || len(others) == 0 {
		return out, nil
	}
	var rows []Mute
	q := s.idb.NewSelect().Model(&rows).
		Where("m.account_id = ?", accountID).Where("m.target_account_id IN (?)", bun.In(others))
	if err := activeMute(q, now).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: mutes: %w", classify(err))
	}
	for _, m := range rows {
		out[m.TargetAccountID] = m
	}
	return out, nil
}

// MutedIDs returns the accounts accountID mutes at now; with
// notificationsOnly, only those whose notifications it mutes too.
func (s *Store) MutedIDs(ctx context.Context, accountID int64, now time.Time, notificationsOnly bool) (map[int64]bool, error) {
	out := map[int64]bool{}
	if accountID == 0 {
		return out, nil
	}
	// Every mute is read (and cached), expired ones too; which are in
	// force is decided here, at now.
	all, err := cachedOne(ctx, s, kindMutes, accountID, func(ctx context.Context) ([]Mute, error) {
		var rows []Mute
		if err := s.idb.NewSelect().Model(&rows).Where("m.account_id = ?", accountID).Scan(ctx); err != nil {
			return nil, fmt.Errorf("storage: muted ids: %w", classify(err))
		}
		return rows, nil
	}, same[[]Mute])
	if err != nil {
		return nil, err
	}
	for _, m := range all {
		if m.ExpiresAt != nil && !m.ExpiresAt.After(now) || notificationsOnly && !m.HideNotifications {
			continue
		}
		out[m.TargetAccountID] = true
	}
	return out, nil
}

// MuteEdge is one row of a mute list: the muted account, the mute's ID
// (the paging cursor) and its expiry.
type MuteEdge struct {
	Edge
	ExpiresAt *time.Time
}

// Mutes pages through the accounts accountID mutes at now, newest mute
// first, leaving out suspended accounts.
func (s *Store) Mutes(ctx context.Context, accountID int64, now time.Time, p Page) ([]MuteEdge, error) {
	var rows []Mute
	q := s.idb.NewSelect().Model(&rows).Where("m.account_id = ?", accountID).
		Where("m.target_account_id NOT IN (SELECT id FROM accounts WHERE suspended_at IS NOT NULL)")
	if err := p.apply(activeMute(q, now), "m.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: mutes: %w", classify(err))
	}
	rows = finish(p, rows)
	ids := make([]int64, len(rows))
	for i, m := range rows {
		ids[i] = m.TargetAccountID
	}
	accts, err := s.AccountsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]MuteEdge, 0, len(rows))
	for _, m := range rows {
		if a, ok := accts[m.TargetAccountID]; ok {
			out = append(out, MuteEdge{Edge: Edge{Cursor: m.ID, Account: *a}, ExpiresAt: m.ExpiresAt})
		}
	}
	return out, nil
}

// SetAccountNote stores accountID's private note about targetID; an empty
// comment removes it.
func (s *Store) SetAccountNote(ctx context.Context, accountID, targetID int64, comment string) error {
	if comment == "" {
		if _, err := s.idb.NewRaw(`DELETE FROM account_notes WHERE account_id = ? AND target_account_id = ?`, accountID, targetID).Exec(ctx); err != nil {
			return fmt.Errorf("storage: account note: %w", classify(err))
		}
		return nil
	}
	_, err := s.idb.NewRaw(`INSERT INTO account_notes (account_id, target_account_id, comment, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (account_id, target_account_id) DO UPDATE SET comment = EXCLUDED.comment, updated_at = EXCLUDED.updated_at`,
		accountID, targetID, comment, time.Now().UTC()).Exec(ctx)
	if err != nil {
		return fmt.Errorf("storage: account note: %w", classify(err))
	}
	return nil
}

// AccountNotes returns accountID's notes about each of others that has
// one, keyed by the other's ID.
func (s *Store) AccountNotes(ctx context.Context, accountID int64, others []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if accountID == 0 || len(others) == 0 {
		return out, nil
	}
	var rows []struct {
		TargetID int64  `bun:"target_account_id"`
		Comment  string `bun:"comment"`
	}
	if err := s.idb.NewSelect().Table("account_notes").Column("target_account_id", "comment").
		Where("account_id = ?", accountID).Where("target_account_id IN (?)", bun.In(others)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("storage: account notes: %w", classify(err))
	}
	for _, r := range rows {
		out[r.TargetID] = r.Comment
	}
	return out, nil
}
