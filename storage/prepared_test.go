package storage_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestPreparedReadsPlanOnce: on PostgreSQL the home page's two prepared
// statements are planned once per connection (a generic plan), not on
// every call; and a DSN that sets plan_cache_mode keeps its own.
func TestPreparedReadsPlanOnce(t *testing.T) {
	ctx := context.Background()
	s := storagetest.Open(t, storage.Postgres)
	// One connection (after migrating, which needs two): the statements
	// prepared below are then the session's that pg_prepared_statements
	// shows.
	s.DB().SetMaxOpenConns(1)
	const calls = 8
	for range calls {
		// Below a max_id: the head of the feed is kept (TestHomeHeadCache)
		// and would be read once.
		if _, err := s.HomeStatuses(ctx, 1, storage.Page{Limit: 40, MaxID: 1 << 62}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.StatusFactsOfStatement(ctx, 1, []int64{1, 2, 3}); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := s.DB().QueryContext(ctx, `SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements
		WHERE (statement LIKE '%home_feed%' OR statement LIKE '%status_stats%') AND statement NOT LIKE '%pg_prepared_statements%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	seen := 0
	for rows.Next() {
		var text string
		var generic, custom int64
		if err := rows.Scan(&text, &generic, &custom); err != nil {
			t.Fatal(err)
		}
		seen++
		if custom != 0 || generic < calls {
			t.Errorf("%d generic and %d custom plans for %.60s...", generic, custom, text)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if seen != 2 {
		t.Errorf("found %d of the 2 prepared statements", seen)
	}

	cfg := storagetest.Config(t, storage.Postgres)
	u, err := url.Parse(cfg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("plan_cache_mode", "auto")
	u.RawQuery = q.Encode()
	cfg.DSN = u.String()
	own, err := storage.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = own.Close() }()
	var mode string
	if err := own.DB().QueryRowContext(ctx, `SHOW plan_cache_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "auto" {
		t.Errorf("plan_cache_mode = %s with the DSN's auto", mode)
	}
}
