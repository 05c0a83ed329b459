package storage_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun/migrate"

	"github.com/rounds-md/rounds/storage"
)

// homeFeedKeys is the migration that takes home_feed's foreign keys off
// on SQLite.
const homeFeedKeys = "20261203010000"

// TestHomeFeedKeys migrates a database holding statuses and feeds up to
// the migration before homeFeedKeys and applies that one: every row stays; on
// SQLite home_feed's foreign keys give way to triggers and nothing else
// in the schema changes (on PostgreSQL nothing changes); deleting a
// status or an account still takes its feed rows along. On SQLite the
// migration is also applied twice, taken down (the foreign keys back)
// and up again.
func TestHomeFeedKeys(t *testing.T) {
	eachFresh(t, func(t *testing.T, _ storage.Config, s *storage.Store) {
		ctx := context.Background()
		migrator, self := migrateBefore(t, s, homeFeedKeys)
		rowidFixture(t, s)
		if err := s.FlushHomeFeeds(ctx); err != nil {
			t.Fatal(err)
		}
		before, schemaBefore := dumpRows(t, s.DB(), s.Dialect()), dumpSchema(t, s.DB(), s.Dialect())
		if len(before["home_feed"]) == 0 {
			t.Fatal("the fixture wrote no feed rows")
		}
		if err := self.Up(ctx, migrator, &self); err != nil {
			t.Fatal(err)
		}
		sqlite := s.Dialect() == storage.SQLite
		want := schemaBefore
		if sqlite {
			want = feedWithoutKeys(schemaBefore)
		}
		schemaAfter := dumpSchema(t, s.DB(), s.Dialect())
		sameDump(t, "after the migration", before, dumpRows(t, s.DB(), s.Dialect()))
		sameDump(t, "schema after the migration", want, schemaAfter)
		checkForeignKeysOn(t, s.DB())
		if sqlite {
			s.ReleaseWriteConnection()
			s.DB().SetMaxOpenConns(1)
			for _, step := range []struct {
				name   string
				run    func(context.Context, *migrate.Migrator, *migrate.Migration) error
				schema map[string][]string
			}{
				{"up again", self.Up, schemaAfter},
				{"down", self.Down, quotedFeed(schemaBefore)},
				{"up after down", self.Up, schemaAfter},
			} {
				if err := step.run(ctx, migrator, &self); err != nil {
					t.Fatalf("%s: %v", step.name, err)
				}
				sameDump(t, step.name, before, dumpRows(t, s.DB(), s.Dialect()))
				sameDump(t, "schema "+step.name, step.schema, dumpSchema(t, s.DB(), s.Dialect()))
				checkForeignKeysOn(t, s.DB())
			}
			s.DB().SetMaxOpenConns(8)
		}
		// Deleting a parent still deletes its feed rows.
		for _, q := range []struct{ parent, rows string }{
			{`DELETE FROM statuses WHERE id = (SELECT max(status_id) FROM home_feed)`, `SELECT count(*) FROM home_feed WHERE status_id NOT IN (SELECT id FROM statuses)`},
			{`DELETE FROM accounts WHERE id = (SELECT max(account_id) FROM home_feed)`, `SELECT count(*) FROM home_feed WHERE account_id NOT IN (SELECT id FROM accounts)`},
		} {
			var n int
			if err := s.DB().QueryRowContext(ctx, q.rows).Scan(&n); err != nil || n != 0 {
				t.Fatalf("before %s: %d orphans (%v)", q.parent, n, err)
			}
			res, err := s.DB().ExecContext(ctx, q.parent)
			if err != nil {
				t.Fatal(err)
			}
			if deleted, _ := res.RowsAffected(); deleted != 1 {
				t.Fatalf("%s deleted %d rows, want 1", q.parent, deleted)
			}
			if err := s.DB().QueryRowContext(ctx, q.rows).Scan(&n); err != nil || n != 0 {
				t.Errorf("after %s: %d feed rows left without their parent (%v)", q.parent, n, err)
			}
		}
	})
}

// feedWithoutKeys is a SQLite schema dump as the migration leaves it:
// home_feed's text without its REFERENCES clauses (and as ALTER TABLE
// RENAME writes it), no foreign keys from home_feed, and the two
// triggers that delete the rows of deleted parents.
func feedWithoutKeys(before map[string][]string) map[string][]string {
	out := quotedFeed(before)
	for i, s := range out["master"] {
		if strings.HasPrefix(s, "table home_feed ") {
			s = strings.Replace(s, " REFERENCES accounts (id) ON DELETE CASCADE", "", 1)
			out["master"][i] = strings.Replace(s, " REFERENCES statuses (id) ON DELETE CASCADE", "", 1)
		}
	}
	out["master"] = append(out["master"],
		"trigger home_feed_forget_accounts ON accounts: CREATE TRIGGER home_feed_forget_accounts AFTER DELETE ON accounts\n\t\t\t\t\tBEGIN DELETE FROM home_feed WHERE account_id = OLD.id; END",
		"trigger home_feed_forget_statuses ON statuses: CREATE TRIGGER home_feed_forget_statuses AFTER DELETE ON statuses\n\t\t\t\t\tBEGIN DELETE FROM home_feed WHERE status_id = OLD.id; END")
	slices.Sort(out["master"])
	out["foreign keys"] = slices.DeleteFunc(out["foreign keys"], func(s string) bool { return strings.HasPrefix(s, "home_feed.") })
	return out
}

// quotedFeed is a SQLite schema dump with home_feed's CREATE TABLE as
// ALTER TABLE RENAME writes it.
func quotedFeed(before map[string][]string) map[string][]string {
	out := map[string][]string{}
	for k, v := range before {
		out[k] = slices.Clone(v)
		for i, s := range out[k] {
			out[k][i] = strings.Replace(s, "CREATE TABLE home_feed (", `CREATE TABLE "home_feed" (`, 1)
		}
	}
	return out
}
