package storage

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestFlushPlan: the flush reads the pending rows first, then each one's
// status, its author's followers and each follower's account by index,
// never a whole table nor a Bloom filter built from one: on the 100k
// load database, a plan that started from statuses made every flush scan
// 100,000 rows (docs/performance.md, Session 6).
func TestFlushPlan(t *testing.T) {
	ctx := context.Background()
	s := groupStore(t)
	// The load database's statistics (1,000 accounts following 100
	// each, 100,000 statuses), loaded by ANALYZE sqlite_schema.
	for _, q := range []string{
		`ANALYZE`,
		`DELETE FROM sqlite_stat1 WHERE tbl IN ('accounts', 'follows', 'statuses')`,
		`INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
			('accounts', 'sqlite_autoindex_accounts_1', '1000 1'), ('accounts', 'accounts_username_domain', '1000 1 1'),
			('follows', 'sqlite_autoindex_follows_1', '100000 1'), ('follows', 'follows_account_target', '100000 100 1'),
			('follows', 'follows_target_account', '100000 100 1 1'), ('follows', 'follows_target_id', '100000 100 1'),
			('statuses', 'statuses_account_id_id', '100000 100 1'), ('statuses', 'statuses_visibility_id', '100000 33334 1')`,
		`ANALYZE sqlite_schema`,
	} {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	// One connection: the one whose statistics were just loaded.
	s.db.SetMaxOpenConns(1)
	plan := QueryPlan(t, s.db.DB, flushPendingSQL)
	if len(plan) == 0 || plan[0] != "SCAN p" {
		t.Fatalf("the flush's plan is %q, want it to start with SCAN p", plan)
	}
	for _, step := range plan[1:] {
		if strings.HasPrefix(step, "SCAN ") || strings.Contains(step, "BLOOM") || strings.Contains(step, "AUTOMATIC") {
			t.Errorf("the flush's plan has %q: %q", step, plan)
		}
	}
	for _, want := range []string{"SEARCH st ", "SEARCH f ", "SEARCH a "} {
		if !slices.ContainsFunc(plan, func(s string) bool { return strings.HasPrefix(s, want) }) {
			t.Errorf("the flush's plan has no %q: %q", want, plan)
		}
	}
}

// TestFlushNeedsNoJournal: the flush's program holds no instruction that
// can stop it halfway with an error (a NOT NULL check that aborts, an
// immediate foreign key's counter), and home_feed has no foreign key.
// Either would make SQLite keep a statement journal, a copy of every page
// the flush touches, about a third of SQLite's posting CPU
// (docs/decisions/20261203-sqlite-feed-without-foreign-keys.md).
func TestFlushNeedsNoJournal(t *testing.T) {
	ctx := context.Background()
	s := groupStore(t)
	var fks int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM pragma_foreign_key_list('home_feed')`).Scan(&fks); err != nil {
		t.Fatal(err)
	}
	if fks != 0 {
		t.Errorf("home_feed has %d foreign keys, want none", fks)
	}
	rows, err := s.db.QueryContext(ctx, `EXPLAIN `+flushPendingSQL)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ops []string
	for rows.Next() {
		// addr, opcode, p1, p2, p3, p4, p5, comment
		var addr int
		var op string
		var p1, p2, p3, p4, p5, comment any
		if err := rows.Scan(&addr, &op, &p1, &p2, &p3, &p4, &p5, &comment); err != nil {
			t.Fatal(err)
		}
		ops = append(ops, op)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(ops, "Insert") {
		t.Fatalf("the flush's program has no Insert: %v", ops)
	}
	for _, op := range []string{"HaltIfNull", "FkCounter", "FkIfZero"} {
		if slices.Contains(ops, op) {
			t.Errorf("the flush's program holds %s, which makes SQLite journal the statement", op)
		}
	}
}
