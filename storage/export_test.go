package storage

import (
	"context"
	"database/sql"
	"testing"
	"time"
)

// Exec sends a statement through the Store as its own methods do (bun's
// hooks, the caches' invalidation), for tests of writes no method makes.
func (s *Store) Exec(ctx context.Context, query string, args ...any) error {
	_, err := s.idb.NewRaw(query, args...).Exec(ctx)
	return err
}

// FollowerInboxesSQL is FollowerInboxes' statement, for its plan.
const FollowerInboxesSQL = followerInboxesSQL

// SetCacheClock makes the read and status caches read the time from now.
func (s *Store) SetCacheClock(now func() time.Time) { s.cache.now = now }

// CachedStatuses is the number of rows the status cache holds and its
// estimate of their size in bytes.
func (s *Store) CachedStatuses() (rows, size int) {
	c := &s.cache.statuses
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.rows), c.size
}

// StatusFactsOfJSON is the facts statement as it was before the SQLite
// texts with slots, the IDs as one JSON array whatever their number:
// StatusFactsOf without the read cache and without muted conversations.
func (s *Store) StatusFactsOfJSON(ctx context.Context, viewerID int64, ids []int64) (StatusFacts, error) {
	return s.statusFactsOf(ctx, viewerID, ids, false)
}

// StatusFactsOfStatement is StatusFactsOf read by the facts statement
// every time, without the read cache and without muted conversations
// (which StatusFactsOf reads apart).
func (s *Store) StatusFactsOfStatement(ctx context.Context, viewerID int64, ids []int64) (StatusFacts, error) {
	return s.statusFactsOf(ctx, viewerID, ids, true)
}

// QueryPlan returns the details of SQLite's plan for q, one per step.
func QueryPlan(t testing.TB, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+q)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}
