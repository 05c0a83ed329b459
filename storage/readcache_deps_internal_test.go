package storage

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestCachedTablesDeps: every table whose writes can change what the
// kept facts of statuses and heads of home feeds were read from
// invalidates them (cacheDeps): the tables their statements read, the
// tables whose triggers write those, and every table whose deletion
// cascades into one of them (read from the SQLite schema, so that a
// later migration's trigger or foreign key is caught).
func TestCachedTablesDeps(t *testing.T) {
	ctx := context.Background()
	s := groupStore(t)
	read := map[cacheKind][]string{
		kindStatusFacts: {"statuses", "status_stats", "status_mentions", "status_tags", "tags", "favourites",
			"bookmarks", "status_pins"},
		kindConversationMutes: {"conversation_mutes"},
		kindHomeHead:          {"home_feed"},
	}
	var triggers []struct{ table, sql string }
	rs, err := s.db.QueryContext(ctx, `SELECT tbl_name, sql FROM sqlite_schema WHERE type = 'trigger'`)
	if err != nil {
		t.Fatal(err)
	}
	for rs.Next() {
		var tr struct{ table, sql string }
		if err := rs.Scan(&tr.table, &tr.sql); err != nil {
			t.Fatal(err)
		}
		triggers = append(triggers, tr)
	}
	if err := rs.Close(); err != nil {
		t.Fatal(err)
	}
	// Writers of a table: its triggers' tables, and the tables whose
	// deletion cascades into it, each with its own writers in turn.
	type dep struct {
		table string
		kind  cacheKind
	}
	need := map[dep]bool{}
	var add func(table string, k cacheKind)
	add = func(table string, k cacheKind) {
		if need[dep{table, k}] {
			return
		}
		need[dep{table, k}] = true
		for _, tr := range triggers {
			if tr.table != table && strings.Contains(tr.sql, table) {
				add(tr.table, k)
			}
		}
		rs, err := s.db.QueryContext(ctx, `SELECT "table", on_delete FROM pragma_foreign_key_list(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		var parents []string
		for rs.Next() {
			var parent, onDelete string
			if err := rs.Scan(&parent, &onDelete); err != nil {
				t.Fatal(err)
			}
			if onDelete != "NO ACTION" && onDelete != "RESTRICT" {
				parents = append(parents, parent)
			}
		}
		if err := rs.Close(); err != nil {
			t.Fatal(err)
		}
		for _, p := range parents {
			add(p, k)
		}
	}
	for k, tables := range read {
		for _, table := range tables {
			add(table, k)
		}
	}
	for _, d := range []dep{{"media_attachments", kindStatusFacts}, {"polls", kindStatusFacts}, {"accounts", kindHomeHead}} {
		if !need[d] {
			t.Errorf("%s was not found as a writer of kind %d: the schema scan is broken", d.table, d.kind)
		}
	}
	for d := range need {
		if !slices.Contains(cacheDeps[d.table], d.kind) {
			t.Errorf("a write to %s can change what kind %d keeps, but does not invalidate it", d.table, d.kind)
		}
	}
}
