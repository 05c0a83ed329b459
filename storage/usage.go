package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Usage is what NodeInfo and the instance document report about activity.
type Usage struct {
	Users          int // local people with a sign-in
	ActiveMonth    int // of those, active in the last 30 days
	ActiveHalfyear int // of those, active in the last 180 days
	LocalPosts     int // local statuses, not counting boosts or deleted ones
	Domains        int // other domains this instance knows accounts on
}

// Usage counts the figures in Usage.
func (s *Store) Usage(ctx context.Context, now time.Time) (Usage, error) {
	var u Usage
	people := func() *bun.SelectQuery {
		return s.idb.NewSelect().Model((*Account)(nil)).
			Where("domain = ''").Where("user_id IS NOT NULL").Where("suspended_at IS NULL")
	}
	n, err := people().Count(ctx)
	if err != nil {
		return u, fmt.Errorf("storage: usage: %w", err)
	}
	u.Users = int(n)
	for _, c := range []struct {
		dst  *int
		days int
	}{{&u.ActiveMonth, 30}, {&u.ActiveHalfyear, 180}} {
		n, err := people().
			Where("user_id IN (SELECT id FROM users WHERE last_active_at >= ?)", now.AddDate(0, 0, -c.days).UTC()).
			Count(ctx)
		if err != nil {
			return u, fmt.Errorf("storage: usage: %w", err)
		}
		*c.dst = int(n)
	}
	posts, err := s.idb.NewSelect().Table("statuses").
		Where("local = TRUE").Where("reblog_of_id IS NULL").Where("deleted_at IS NULL").Count(ctx)
	if err != nil {
		return u, fmt.Errorf("storage: usage: %w", err)
	}
	u.LocalPosts = int(posts)
	if err := s.idb.NewSelect().Model((*Account)(nil)).ColumnExpr("count(DISTINCT domain)").
		Where("domain <> ''").Scan(ctx, &u.Domains); err != nil {
		return u, fmt.Errorf("storage: usage: %w", err)
	}
	return u, nil
}
