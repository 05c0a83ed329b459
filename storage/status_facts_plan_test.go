package storage_test

import (
	"context"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestStatusFactsProbesPerStatus: on PostgreSQL the facts statement's
// generic plan reads status_stats, status_mentions and status_tags by
// index, one probe per status, even where those tables are small enough
// (here 1,000 statuses, each with a hashtag, every other one with a
// mention, as in BenchmarkReadAPI) that a join
// was planned as a sequential scan of the whole table into a hash, which
// cost the backend twice the statement's probes (docs/performance.md,
// Session 5).
func TestStatusFactsProbesPerStatus(t *testing.T) {
	ctx := context.Background()
	s := storagetest.Open(t, storage.Postgres)
	_, a, err := newLocal(ctx, s, "ana", "ana@example.org")
	if err != nil {
		t.Fatal(err)
	}
	db := s.DB()
	for _, q := range []string{
		`INSERT INTO statuses (id, account_id, local, visibility, created_at, updated_at)
			SELECT n, $1, true, 'public', now(), now() FROM generate_series(1, 1000) AS n`,
		`INSERT INTO tags (id, name, created_at) VALUES (1, 'cardiology', now())`,
		`INSERT INTO status_tags (status_id, tag_id) SELECT n, 1 FROM generate_series(1, 1000) AS n`,
		`INSERT INTO status_mentions (status_id, account_id) SELECT n, $1 FROM generate_series(1, 1000, 2) AS n`,
		`ANALYZE`,
	} {
		var args []any
		if strings.Contains(q, "$1") {
			args = append(args, a.ID)
		}
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%.40s: %v", q, err)
		}
	}
	// One connection: the statement StatusFactsOf prepares is then the
	// session's that EXPLAIN EXECUTE runs.
	db.SetMaxOpenConns(1)
	ids := make([]int64, 40)
	for i := range ids {
		ids[i] = int64(1 + 2*i)
	}
	f, err := s.StatusFactsOfStatement(ctx, a.ID, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Mentions) != 40 || len(f.Tags) != 40 {
		t.Fatalf("%d statuses with mentions and %d with hashtags, want 40 of each", len(f.Mentions), len(f.Tags))
	}
	var name string
	if err := db.QueryRowContext(ctx, `SELECT name FROM pg_prepared_statements WHERE statement LIKE '%status_stats%'
		AND statement NOT LIKE '%pg_prepared_statements%'`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(queryStrings(t, db, `EXPLAIN EXECUTE "`+name+`" ('{1,3,5}', 1)`), "\n")
	for _, table := range []string{"status_stats", "status_mentions", "status_tags"} {
		if strings.Contains(text, "Seq Scan on "+table) {
			t.Errorf("the facts statement scans all of %s:\n%s", table, text)
		}
	}
}
