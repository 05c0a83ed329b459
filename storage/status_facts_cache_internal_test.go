package storage

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestStatusFactsDeps: every table whose writes can change what the facts
// statement reads invalidates the kept facts (cacheDeps): the tables it
// reads, the tables whose triggers keep status_stats, and every table
// whose deletion cascades into one of those (read from the SQLite
// schema, so that a later migration's trigger or foreign key is caught).
func TestStatusFactsDeps(t *testing.T) {
	ctx := context.Background()
	s := groupStore(t)
	read := map[string]cacheKind{
		"statuses": kindStatusFacts, "status_stats": kindStatusFacts, "status_mentions": kindStatusFacts,
		"status_tags": kindStatusFacts, "tags": kindStatusFacts, "favourites": kindStatusFacts,
		"bookmarks": kindStatusFacts, "status_pins": kindStatusFacts, "conversation_mutes": kindConversationMutes,
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
	need := map[string]cacheKind{}
	var add func(table string, k cacheKind)
	add = func(table string, k cacheKind) {
		if _, seen := need[table]; seen {
			return
		}
		need[table] = k
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
	for table, k := range read {
		add(table, k)
	}
	for _, table := range []string{"favourites", "media_attachments", "polls", "accounts"} {
		if _, ok := need[table]; !ok {
			t.Errorf("%s was not found as a writer of the facts: the schema scan is broken", table)
		}
	}
	for table, k := range need {
		if !slices.Contains(cacheDeps[table], k) {
			t.Errorf("a write to %s can change the facts of statuses, but does not invalidate kind %d", table, k)
		}
	}
}
