package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun/migrate"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/migrations"
)

// statusesRowid is the migration that makes statuses.id SQLite's rowid.
const statusesRowid = "20261130010000"

// TestStatusesRowid migrates a database holding statuses and everything
// that hangs off them up to the migration before statusesRowid, applies
// it, and checks that every row of every table is still there, the schema
// is the same but for the key's type, foreign keys hold and still cascade,
// and the counter triggers still count. On SQLite it also rolls a failed
// rebuild back whole, and takes the migration down and up again.
func TestStatusesRowid(t *testing.T) {
	eachFresh(t, func(t *testing.T, _ storage.Config, s *storage.Store) {
		ctx := context.Background()
		migrator, _ := migrateBefore(t, s, statusesRowid)
		rowidFixture(t, s)
		before, schemaBefore := dumpRows(t, s.DB(), s.Dialect()), dumpSchema(t, s.DB(), s.Dialect())
		sqlite := s.Dialect() == storage.SQLite
		if sqlite {
			// One connection, so that what the migration leaves on its
			// connection (foreign keys off) is what the next query sees.
			s.ReleaseWriteConnection()
			s.DB().SetMaxOpenConns(1)
		}

		if sqlite {
			// A boost of a status that is not there (written with
			// foreign keys off) fails the rebuild's final check, after
			// the table was dropped and made again: nothing of it stays.
			if _, err := s.DB().ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB().ExecContext(ctx, `INSERT INTO statuses (id, account_id, local, reblog_of_id, visibility, created_at, updated_at)
				SELECT 999, id, TRUE, 424242, 'public', created_at, created_at FROM accounts LIMIT 1`); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB().ExecContext(ctx, `PRAGMA foreign_keys = ON`); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Migrate(ctx); err == nil || !strings.Contains(err.Error(), "foreign keys broken") {
				t.Fatalf("Migrate with a broken reference = %v, want the foreign key check's error", err)
			}
			for _, q := range []string{`DELETE FROM statuses WHERE id = 999`, `DELETE FROM status_stats WHERE status_id = 424242`} {
				if _, err := s.DB().ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			checkForeignKeysOn(t, s.DB())
			if p, err := s.Pending(ctx); err != nil || !slices.Contains(p, statusesRowid) {
				t.Fatalf("after the failure, pending = %v, %v; want %s", p, err, statusesRowid)
			}
			sameDump(t, "after a failed rebuild", before, dumpRows(t, s.DB(), s.Dialect()))
			sameDump(t, "schema after a failed rebuild", schemaBefore, dumpSchema(t, s.DB(), s.Dialect()))
		}

		applied, err := s.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(applied, statusesRowid) {
			t.Fatalf("applied %v, want %s among them", applied, statusesRowid)
		}
		sameDump(t, "after the migration", before, dumpRows(t, s.DB(), s.Dialect()))
		schemaAfter := withoutLaterTables(dumpSchema(t, s.DB(), s.Dialect()))
		sameDump(t, "schema after the migration", withoutLaterTables(rowidSchema(schemaBefore, sqlite)), schemaAfter)
		checkForeignKeysOn(t, s.DB())
		if sqlite {
			plan := storage.QueryPlan(t, s.DB(), `SELECT status.id FROM home_feed AS h
				JOIN statuses AS status ON status.id = h.status_id WHERE h.account_id = 1 AND status.deleted_at IS NULL
				ORDER BY h.status_id DESC LIMIT 40`)
			if !slices.Contains(plan, "SEARCH status USING INTEGER PRIMARY KEY (rowid=?)") {
				t.Errorf("the feed's plan is %q, want statuses found by rowid", plan)
			}

			// Applied again (as when marking it applied failed), it
			// changes nothing; down and up again, it comes back.
			for _, m := range migrations.Migrations.Sorted() {
				if m.Name != statusesRowid {
					continue
				}
				if err := m.Up(ctx, migrator, &m); err != nil {
					t.Fatalf("up again: %v", err)
				}
				sameDump(t, "schema after applying it twice", schemaAfter, withoutLaterTables(dumpSchema(t, s.DB(), s.Dialect())))
				if err := m.Down(ctx, migrator, &m); err != nil {
					t.Fatalf("down: %v", err)
				}
				sameDump(t, "after down", before, dumpRows(t, s.DB(), s.Dialect()))
				sameDump(t, "schema after down", withoutLaterTables(quotedName(schemaBefore)), withoutLaterTables(dumpSchema(t, s.DB(), s.Dialect())))
				if err := m.Up(ctx, migrator, &m); err != nil {
					t.Fatalf("up after down: %v", err)
				}
				sameDump(t, "after down and up", before, dumpRows(t, s.DB(), s.Dialect()))
				sameDump(t, "schema after down and up", schemaAfter, withoutLaterTables(dumpSchema(t, s.DB(), s.Dialect())))
			}
			checkForeignKeysOn(t, s.DB())
			s.DB().SetMaxOpenConns(8)
		}
		rowidAfter(t, s)
	})
}

// rowidFixture writes statuses and every kind of row that names one:
// replies, boosts, mentions, tags, an edit, favourites, bookmarks, pins,
// home feed rows, notifications, a conversation, an attachment and a poll.
func rowidFixture(t *testing.T, s *storage.Store) {
	t.Helper()
	ctx := context.Background()
	accts := anaBenCyRem(t, ctx, s)
	for _, f := range [][2]string{{"ben", "ana"}, {"cy", "ana"}, {"ana", "ben"}, {"ana", "rem"}} {
		if err := s.UpsertFollow(ctx, &storage.Follow{AccountID: accts[f[0]].ID, TargetAccountID: accts[f[1]].ID}); err != nil {
			t.Fatal(err)
		}
	}
	var ids []int64
	post := func(author, visibility string, inReplyTo, reblogOf *int64, mentions []int64, tags ...string) *storage.Status {
		t.Helper()
		st := &storage.Status{AccountID: accts[author].ID, Local: author != "rem", Visibility: visibility,
			InReplyToID: inReplyTo, ReblogOfID: reblogOf, Text: author + " " + visibility}
		// The followers are passed as recipients: the schema before the
		// migration has no home_feed_pending, through which FanOut
		// writes followers' rows on SQLite since 20261201010000.
		recipients := append(slices.Clone(mentions), followersOf(t, ctx, s, st.AccountID, visibility)...)
		err := s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			if err := tx.InsertStatus(ctx, storage.NewStatus{Status: st, MentionIDs: mentions, Tags: tags}); err != nil {
				return err
			}
			if visibility == "direct" {
				if err := tx.TouchConversation(ctx, st, mentions); err != nil {
					return err
				}
			}
			return tx.FanOut(ctx, st, false, true, recipients)
		})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, st.ID)
		return st
	}
	root := post("ana", "public", nil, nil, []int64{accts["ben"].ID}, "cardiology")
	post("ben", "public", &root.ID, nil, nil)
	post("rem", "unlisted", &root.ID, nil, nil)
	post("cy", "private", nil, nil, nil)
	post("ana", "direct", nil, nil, []int64{accts["cy"].ID})
	post("ben", "public", nil, &root.ID, nil)
	later := post("ana", "public", nil, nil, nil, "radiology", "oncology")
	if err := s.UpdateStatusText(ctx, later, []int64{accts["cy"].ID}, []string{"oncology"}); err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		mark storage.Mark
		who  string
		what int64
	}{
		{storage.Favourite, "ben", root.ID}, {storage.Favourite, "rem", root.ID}, {storage.Favourite, "ana", ids[1]},
		{storage.Bookmark, "cy", root.ID}, {storage.Pin, "ana", later.ID},
	} {
		if _, err := s.AddMark(ctx, m.mark, accts[m.who].ID, m.what); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.InsertNotification(ctx, &storage.Notification{AccountID: accts["ana"].ID, FromAccountID: accts["ben"].ID,
		Type: "favourite", StatusID: &root.ID}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO media_attachments (id, account_id, status_id, type, state, file_key, created_at, updated_at)
			VALUES (100, ?, ?, 'image', 'processed', 'a.png', ?, ?)`, []any{accts["ana"].ID, later.ID, now, now}},
		{`INSERT INTO polls (id, status_id, account_id, created_at, updated_at) VALUES (200, ?, ?, ?, ?)`,
			[]any{root.ID, accts["ana"].ID, now, now}},
	} {
		if _, err := rawDB(s).NewRaw(q.sql, q.args...).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// rowidAfter checks the migrated schema at work: posting, the counter
// triggers, the foreign keys that refuse a missing status, and the
// cascades from a deleted account through its statuses.
func rowidAfter(t *testing.T, s *storage.Store) {
	t.Helper()
	ctx := context.Background()
	var ana, ben, root int64
	if err := s.DB().QueryRowContext(ctx, `SELECT id FROM accounts WHERE username = 'ana'`).Scan(&ana); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().QueryRowContext(ctx, `SELECT id FROM accounts WHERE username = 'ben'`).Scan(&ben); err != nil {
		t.Fatal(err)
	}
	if err := rawDB(s).NewRaw(`SELECT min(id) FROM statuses WHERE account_id = ?`, ana).Scan(ctx, &root); err != nil {
		t.Fatal(err)
	}
	reply := &storage.Status{AccountID: ben, Local: true, Visibility: "public", InReplyToID: &root}
	if err := s.InsertStatus(ctx, storage.NewStatus{Status: reply}); err != nil {
		t.Fatal(err)
	}
	if f, err := s.StatusFactsOf(ctx, ben, []int64{root}, nil); err != nil || f.Replies[root] != 3 || f.Favourites[root] != 2 {
		t.Errorf("root's facts after a new reply: replies %d, favourites %d (%v); want 3 and 2", f.Replies[root], f.Favourites[root], err)
	}
	if _, err := s.AddMark(ctx, storage.Favourite, ana, 424242); err == nil {
		t.Error("a favourite of a missing status was accepted")
	}
	if _, err := rawDB(s).NewRaw(`DELETE FROM accounts WHERE id = ?`, ana).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`SELECT count(*) FROM statuses WHERE account_id = ` + fmt.Sprint(ana),
		`SELECT count(*) FROM statuses WHERE reblog_of_id = ` + fmt.Sprint(root),
		`SELECT count(*) FROM home_feed WHERE status_id = ` + fmt.Sprint(root),
		`SELECT count(*) FROM favourites WHERE status_id = ` + fmt.Sprint(root),
		`SELECT count(*) FROM polls`,
		`SELECT count(*) FROM status_mentions WHERE status_id = ` + fmt.Sprint(root),
	} {
		var n int
		if err := s.DB().QueryRowContext(ctx, q).Scan(&n); err != nil || n != 0 {
			t.Errorf("after deleting the author, %s = %d (%v); want 0", q, n, err)
		}
	}
}

// checkForeignKeysOn checks that the pool's connection enforces foreign
// keys and that none is broken.
func checkForeignKeysOn(t *testing.T, db *sql.DB) {
	t.Helper()
	var on int
	if err := db.QueryRow(`PRAGMA foreign_keys`).Scan(&on); err != nil {
		if strings.Contains(err.Error(), "syntax") {
			return // PostgreSQL
		}
		t.Fatal(err)
	}
	if on != 1 {
		t.Error("foreign keys are off on the pool's connection")
	}
	var broken int
	if err := db.QueryRow(`SELECT count(*) FROM pragma_foreign_key_check`).Scan(&broken); err != nil || broken != 0 {
		t.Errorf("PRAGMA foreign_key_check: %d rows (%v)", broken, err)
	}
}

// dumpRows renders every row of every table, sorted, keyed by table.
func dumpRows(t *testing.T, db *sql.DB, d storage.Dialect) map[string][]string {
	t.Helper()
	tables := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'bun_migrations'`
	if d == storage.Postgres {
		tables = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
			AND table_type = 'BASE TABLE' AND table_name <> 'bun_migrations'`
	}
	// On PostgreSQL, the simple protocol: pgx's statement cache would keep
	// SELECT *'s result type from before a migration that adds a column,
	// and refuse the same text after it.
	var args []any
	if d == storage.Postgres {
		args = append(args, pgx.QueryExecModeSimpleProtocol)
	}
	out := map[string][]string{}
	for _, name := range queryStrings(t, db, tables) {
		rows, err := db.Query(`SELECT * FROM `+name, args...)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					vals[i] = string(b)
				}
			}
			out[name] = append(out[name], fmt.Sprintf("%v", vals))
		}
		_ = rows.Close()
		slices.Sort(out[name])
	}
	return out
}

// dumpSchema renders the schema: on SQLite every entry of sqlite_master
// and every table's columns as SQLite reports them; on PostgreSQL the
// columns, indexes, constraints and triggers.
func dumpSchema(t *testing.T, db *sql.DB, d storage.Dialect) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	if d == storage.Postgres {
		for k, q := range map[string]string{
			"columns": `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '')
				FROM information_schema.columns WHERE table_schema = current_schema()`,
			"indexes":     `SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()`,
			"constraints": `SELECT conrelid::regclass || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = current_schema()::regnamespace`,
			// This schema's only: other packages' tests, run at the same
			// time on the same database, make and drop schemas of their own.
			"triggers": `SELECT tgrelid::regclass || ' ' || tgname FROM pg_trigger WHERE NOT tgisinternal
				AND tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = current_schema()::regnamespace)`,
		} {
			out[k] = queryStrings(t, db, q)
			slices.Sort(out[k])
		}
		return out
	}
	out["master"] = queryStrings(t, db, `SELECT type || ' ' || name || ' ON ' || tbl_name || ': ' || coalesce(sql, '') FROM sqlite_master
		WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name`)
	out["columns"] = queryStrings(t, db, `SELECT m.name || '.' || c.name || ' ' || c.type || ' ' || c."notnull" || ' ' || coalesce(c.dflt_value, '') || ' ' || c.pk
		FROM sqlite_master AS m, pragma_table_xinfo(m.name) AS c WHERE m.type = 'table' ORDER BY m.name, c.cid`)
	out["foreign keys"] = queryStrings(t, db, `SELECT m.name || '.' || f."from" || ' -> ' || f."table" || '.' || f."to" || ' ' || f.on_delete
		FROM sqlite_master AS m, pragma_foreign_key_list(m.name) AS f WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq`)
	return out
}

// rowidSchema is the SQLite schema before the migration as the migration
// leaves it: statuses.id an INTEGER PRIMARY KEY without an index of its
// own, the table's text as ALTER TABLE RENAME leaves it.
// withoutLaterTables leaves out of a schema dump what migrations after
// statusesRowid change (Migrate applies them too): the tables and indexes
// they create, home_feed's definition, foreign keys and triggers, which
// homeFeedKeys changes (TestHomeFeedKeys checks those), and the
// idempotency key scheduled_statuses gains (TestScheduledIdempotencyMigration).
func withoutLaterTables(schema map[string][]string) map[string][]string {
	for k, v := range schema {
		schema[k] = slices.DeleteFunc(v, func(s string) bool {
			return strings.Contains(s, "home_feed_pending") || strings.HasPrefix(s, "table home_feed ") || strings.Contains(s, "accounts_remote_inboxes") ||
				strings.Contains(s, "home_feed_forget_") || (k == "foreign keys" && strings.HasPrefix(s, "home_feed.")) ||
				strings.HasPrefix(s, "table scheduled_statuses ") || strings.Contains(s, "idempotency_key_hash")
		})
	}
	return schema
}

// followersOf lists the accounts following authorID, when a status of
// that visibility reaches followers.
func followersOf(t *testing.T, ctx context.Context, s *storage.Store, authorID int64, visibility string) []int64 {
	t.Helper()
	if visibility == "direct" {
		return nil
	}
	var ids []int64
	if err := rawDB(s).NewRaw(`SELECT account_id FROM follows WHERE target_account_id = ?`, authorID).Scan(ctx, &ids); err != nil {
		t.Fatal(err)
	}
	return ids
}

func rowidSchema(before map[string][]string, sqlite bool) map[string][]string {
	if !sqlite {
		return before
	}
	out := quotedName(before)
	out["master"] = slices.DeleteFunc(out["master"], func(s string) bool {
		return strings.HasPrefix(s, "index sqlite_autoindex_statuses_1 ")
	})
	for k, v := range out {
		for i, s := range v {
			switch {
			case strings.HasPrefix(s, "table statuses "):
				v[i] = strings.Replace(s, "id BIGINT PRIMARY KEY", "id INTEGER PRIMARY KEY", 1)
			case strings.HasPrefix(s, "statuses.id BIGINT "):
				v[i] = strings.Replace(s, "statuses.id BIGINT ", "statuses.id INTEGER ", 1)
			}
		}
		out[k] = v
	}
	return out
}

// quotedName is a SQLite schema with statuses' CREATE TABLE as ALTER
// TABLE RENAME writes it.
func quotedName(before map[string][]string) map[string][]string {
	out := map[string][]string{}
	for k, v := range before {
		out[k] = slices.Clone(v)
		for i, s := range out[k] {
			out[k][i] = strings.Replace(s, "CREATE TABLE statuses (", `CREATE TABLE "statuses" (`, 1)
		}
	}
	return out
}

// sameDump reports the entries that differ between two dumps.
func sameDump(t *testing.T, step string, want, got map[string][]string) {
	t.Helper()
	for k := range want {
		if !slices.Equal(want[k], got[k]) {
			var missing, extra []string
			for _, s := range want[k] {
				if !slices.Contains(got[k], s) {
					missing = append(missing, s)
				}
			}
			for _, s := range got[k] {
				if !slices.Contains(want[k], s) {
					extra = append(extra, s)
				}
			}
			t.Errorf("%s: %s differs:\nmissing %q\nextra %q", step, k, missing, extra)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: %s is new: %q", step, k, got[k])
		}
	}
}

// migrateBefore applies, and marks applied, every migration before the
// one named name, and returns the migrator and that migration.
func migrateBefore(t *testing.T, s *storage.Store, name string) (*migrate.Migrator, migrate.Migration) {
	t.Helper()
	ctx := context.Background()
	migrator := migrate.NewMigrator(rawDB(s), migrations.Migrations, migrate.WithMarkAppliedOnSuccess(true))
	if err := migrator.Init(ctx); err != nil {
		t.Fatal(err)
	}
	var self migrate.Migration
	for _, m := range migrations.Migrations.Sorted() {
		if m.Name >= name {
			if m.Name == name {
				self = m
			}
			continue
		}
		if err := m.Up(ctx, migrator, &m); err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		if err := migrator.MarkApplied(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	if self.Name == "" {
		t.Fatalf("no migration %s", name)
	}
	return migrator, self
}

// querier is what queryStrings reads from: a *sql.DB or one *sql.Conn.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// queryStrings returns the first column of every row a query returns.
func queryStrings(t *testing.T, db querier, q string, args ...any) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
