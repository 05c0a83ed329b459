package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Notification tells AccountID that FromAccountID did something (Type),
// possibly about a status or a report.
type Notification struct {
	bun.BaseModel `bun:"table:notifications"`

	ID            int64     `bun:"id,pk"`
	AccountID     int64     `bun:"account_id,notnull"`
	FromAccountID int64     `bun:"from_account_id,notnull"`
	Type          string    `bun:"type,notnull"`
	StatusID      *int64    `bun:"status_id"`
	ReportID      *int64    `bun:"report_id"` // the report of an admin.report
	CreatedAt     time.Time `bun:"created_at,notnull"`
}

// InsertNotification stores a notification, filling in its ID and time.
func (s *Store) InsertNotification(ctx context.Context, n *Notification) error {
	n.ID, n.CreatedAt = s.NewID(), time.Now().UTC()
	if _, err := s.idb.NewInsert().Model(n).Exec(ctx); err != nil {
		return fmt.Errorf("storage: insert notification: %w", classify(err))
	}
	return nil
}

// NotificationFilter narrows Notifications.
type NotificationFilter struct {
	// Types keeps only these types when not empty.
	Types []string
	// ExcludeTypes leaves these types out.
	ExcludeTypes []string
	// FromAccountID keeps notifications caused by this account when set.
	FromAccountID int64
	// NewerThan keeps notifications with IDs above it when set (those
	// after a read marker).
	NewerThan int64
}

func (f NotificationFilter) apply(q *bun.SelectQuery) *bun.SelectQuery {
	if len(f.Types) > 0 {
		q = q.Where("type IN (?)", bun.In(f.Types))
	}
	if len(f.ExcludeTypes) > 0 {
		q = q.Where("type NOT IN (?)", bun.In(f.ExcludeTypes))
	}
	if f.FromAccountID != 0 {
		q = q.Where("from_account_id = ?", f.FromAccountID)
	}
	if f.NewerThan != 0 {
		q = q.Where("id > ?", f.NewerThan)
	}
	return q
}

// Notifications returns a page of accountID's notifications, newest first.
func (s *Store) Notifications(ctx context.Context, accountID int64, f NotificationFilter, p Page) ([]Notification, error) {
	var out []Notification
	q := f.apply(s.idb.NewSelect().Model(&out).Where("account_id = ?", accountID))
	if err := p.apply(q, "id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: notifications: %w", classify(err))
	}
	return finish(p, out), nil
}

// NotificationByID returns accountID's notification with that ID.
func (s *Store) NotificationByID(ctx context.Context, accountID, id int64) (*Notification, error) {
	n := new(Notification)
	if err := s.idb.NewSelect().Model(n).Where("id = ?", id).Where("account_id = ?", accountID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: notification %d: %w", id, classify(err))
	}
	return n, nil
}

// DeleteNotification removes accountID's notification with that ID.
func (s *Store) DeleteNotification(ctx context.Context, accountID, id int64) error {
	res, err := s.idb.NewDelete().Model((*Notification)(nil)).Where("id = ?", id).Where("account_id = ?", accountID).Exec(ctx)
	return checkUpdated(res, err, "dismiss notification")
}

// DeleteNotifications removes every notification of accountID.
func (s *Store) DeleteNotifications(ctx context.Context, accountID int64) error {
	if _, err := s.idb.NewDelete().Model((*Notification)(nil)).Where("account_id = ?", accountID).Exec(ctx); err != nil {
		return fmt.Errorf("storage: clear notifications: %w", classify(err))
	}
	return nil
}

// DeleteNotificationsBetween removes accountID's notifications caused by
// fromID, of the given types (all types when none are given).
func (s *Store) DeleteNotificationsBetween(ctx context.Context, accountID, fromID int64, types ...string) error {
	q := s.idb.NewDelete().Model((*Notification)(nil)).Where("account_id = ?", accountID).Where("from_account_id = ?", fromID)
	if len(types) > 0 {
		q = q.Where("type IN (?)", bun.In(types))
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("storage: delete notifications: %w", classify(err))
	}
	return nil
}

// CountNotifications counts accountID's notifications matching f, counting
// no further than limit.
func (s *Store) CountNotifications(ctx context.Context, accountID int64, f NotificationFilter, limit int) (int, error) {
	var n int
	sub := f.apply(s.idb.NewSelect().Model((*Notification)(nil)).Column("id").Where("account_id = ?", accountID)).Limit(int64(limit))
	if err := s.idb.NewSelect().TableExpr("(?) AS capped", sub).ColumnExpr("count(*)").Scan(ctx, &n); err != nil {
		return 0, fmt.Errorf("storage: count notifications: %w", classify(err))
	}
	return n, nil
}
