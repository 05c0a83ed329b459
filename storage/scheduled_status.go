package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// ScheduledStatus is a status to publish at ScheduledAt. Params holds what
// core/schedule needs to publish it, as JSON. Revision goes up each time
// it is rescheduled. IdempotencyKeyHash, when set, is the hash of the
// Idempotency-Key it was scheduled with, unique per account.
type ScheduledStatus struct {
	bun.BaseModel `bun:"table:scheduled_statuses"`

	ID          int64     `bun:"id,pk"`
	AccountID   int64     `bun:"account_id,notnull"`
	ScheduledAt time.Time `bun:"scheduled_at,notnull"`
	Revision    int       `bun:"revision,notnull"`
	Params      string    `bun:"params,notnull"`
	CreatedAt   time.Time `bun:"created_at,notnull"`
	UpdatedAt   time.Time `bun:"updated_at,notnull"`

	IdempotencyKeyHash *string `bun:"idempotency_key_hash"`
}

// InsertScheduledStatus stores a scheduled status, filling in its ID and
// timestamps.
func (s *Store) InsertScheduledStatus(ctx context.Context, ss *ScheduledStatus) error {
	now := time.Now().UTC()
	if ss.ID == 0 {
		ss.ID = s.NewID()
	}
	ss.ScheduledAt = ss.ScheduledAt.UTC()
	ss.CreatedAt, ss.UpdatedAt = now, now
	if _, err := s.idb.NewInsert().Model(ss).Exec(ctx); err != nil {
		return fmt.Errorf("storage: insert scheduled status: %w", classify(err))
	}
	return nil
}

// IdempotentScheduledStatus returns accountID's scheduled status made
// with the Idempotency-Key whose hash is keyHash at or after since.
func (s *Store) IdempotentScheduledStatus(ctx context.Context, accountID int64, keyHash string, since time.Time) (*ScheduledStatus, error) {
	ss := new(ScheduledStatus)
	if err := s.idb.NewSelect().Model(ss).Where("account_id = ?", accountID).Where("idempotency_key_hash = ?", keyHash).
		Where("created_at >= ?", since.UTC()).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: scheduled status by idempotency key: %w", classify(err))
	}
	return ss, nil
}

// ForgetScheduledIdempotencyKey clears keyHash from accountID's scheduled
// status made before since, so that the key may be used again once its
// window has passed.
func (s *Store) ForgetScheduledIdempotencyKey(ctx context.Context, accountID int64, keyHash string, since time.Time) error {
	if _, err := s.idb.NewUpdate().Model((*ScheduledStatus)(nil)).Set("idempotency_key_hash = NULL").
		Where("account_id = ?", accountID).Where("idempotency_key_hash = ?", keyHash).Where("created_at < ?", since.UTC()).
		Exec(ctx); err != nil {
		return fmt.Errorf("storage: forget scheduled idempotency key: %w", classify(err))
	}
	return nil
}

// ScheduledStatusByID returns the scheduled status with that ID.
func (s *Store) ScheduledStatusByID(ctx context.Context, id int64) (*ScheduledStatus, error) {
	ss := new(ScheduledStatus)
	if err := s.idb.NewSelect().Model(ss).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: scheduled status %d: %w", id, classify(err))
	}
	return ss, nil
}

// ScheduledStatuses pages through accountID's scheduled statuses, newest
// ID first.
func (s *Store) ScheduledStatuses(ctx context.Context, accountID int64, p Page) ([]ScheduledStatus, error) {
	var out []ScheduledStatus
	q := s.idb.NewSelect().Model(&out).Where("account_id = ?", accountID)
	if err := p.apply(q, "id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: scheduled statuses: %w", classify(err))
	}
	return finish(p, out), nil
}

// CountScheduledStatuses counts accountID's scheduled statuses, all of
// them when from and to are zero, else those due in [from, to). except is
// left out of the count (0 for none).
func (s *Store) CountScheduledStatuses(ctx context.Context, accountID int64, from, to time.Time, except int64) (int, error) {
	q := s.idb.NewSelect().Model((*ScheduledStatus)(nil)).Where("account_id = ?", accountID).Where("id <> ?", except)
	if !from.IsZero() {
		q = q.Where("scheduled_at >= ?", from.UTC()).Where("scheduled_at < ?", to.UTC())
	}
	n, err := q.Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("storage: count scheduled statuses: %w", classify(err))
	}
	return int(n), nil
}

// RescheduleStatus moves accountID's scheduled status to at and bumps its
// revision, returning the new revision; ErrNotFound when it has none with
// that ID.
func (s *Store) RescheduleStatus(ctx context.Context, accountID, id int64, at time.Time) (int, error) {
	var rev int
	err := s.idb.NewRaw(`UPDATE scheduled_statuses SET scheduled_at = ?, revision = revision + 1, updated_at = ?
		WHERE id = ? AND account_id = ? RETURNING revision`, at.UTC(), time.Now().UTC(), id, accountID).Scan(ctx, &rev)
	if err != nil {
		return 0, fmt.Errorf("storage: reschedule status: %w", classify(err))
	}
	return rev, nil
}

// DeleteScheduledStatus removes accountID's scheduled status with that ID
// (any revision when revision is negative, else only that revision);
// ErrNotFound when there is none. Publishing deletes it in the status's
// transaction, so that it is published at most once.
func (s *Store) DeleteScheduledStatus(ctx context.Context, accountID, id int64, revision int) error {
	q := s.idb.NewDelete().Model((*ScheduledStatus)(nil)).Where("id = ?", id).Where("account_id = ?", accountID)
	if revision >= 0 {
		q = q.Where("revision = ?", revision)
	}
	res, err := q.Exec(ctx)
	return checkUpdated(res, err, "delete scheduled status")
}
