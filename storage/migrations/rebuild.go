package migrations

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"
)

// rebuild is a change to a SQLite table that ALTER TABLE cannot make,
// made by rebuilding the table (run).
type rebuild struct {
	// table is the table rebuilt.
	table string
	// key is the table's primary key, the order in which rows are copied.
	// A key of "id" must hold integers only (see inTx).
	key string
	// edits change the table's CREATE TABLE text: each edit's from is
	// found exactly once and becomes its to.
	edits []edit
	// before and after run in the rebuild's transaction, before the
	// table is copied and once it is made again (triggers on other
	// tables, rows the new definition would refuse).
	before, after []string
}

// edit is one change to a CREATE TABLE text.
type edit struct{ from, to string }

// rebuildSQLite rebuilds a SQLite table keyed by an integer column named
// id with one column definition changed (from becomes to, found exactly
// once in the table's CREATE TABLE text); see rebuild.run.
func rebuildSQLite(ctx context.Context, db *bun.DB, table, from, to string) error {
	return rebuild{table: table, key: "id", edits: []edit{{from, to}}}.run(ctx, db)
}

// run rebuilds the table with its edits made, following SQLite's
// procedure for changes ALTER TABLE cannot make
// (https://www.sqlite.org/lang_altertable.html#otheralter):
//
//   - foreign keys off on one connection, outside any transaction (the
//     pragma does nothing inside one), so that dropping the old table does
//     not cascade into the tables that reference it;
//   - in one transaction: the before statements; the new table from the
//     old one's own text, edited, so that every other column, default and
//     constraint stays as it is; the rows, in key order; the old table
//     dropped and the new one renamed; the old table's indexes and
//     triggers made again from their own text; the after statements; as
//     many rows as before; PRAGMA foreign_key_check on the table, which
//     must find nothing; the planner's statistics, if the table had some;
//   - foreign keys on again, whatever happened.
//
// A failure anywhere rolls the whole rebuild back. A table whose text
// already holds every edit's to and no from is left alone (and the
// before and after statements are not run), so that a rebuild applied
// but not marked applied can run again. A view naming the table stops the
// rebuild before it changes anything: SQLite's procedure would have it
// dropped and made again, which no Rounds migration needs yet.
func (r rebuild) run(ctx context.Context, db *bun.DB) (err error) {
	table := r.table
	conn, err := db.DB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("rebuild %s: %w", table, err)
	}
	defer conn.Close()
	var fk int
	if err := conn.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
		return fmt.Errorf("rebuild %s: %w", table, err)
	}
	if fk == 1 {
		if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
			return fmt.Errorf("rebuild %s: foreign keys off: %w", table, err)
		}
		defer func() {
			if _, onErr := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`); onErr != nil {
				// Never hand the pool a connection without foreign keys.
				_ = conn.Raw(func(any) error { return driver.ErrBadConn })
				err = errors.Join(err, fmt.Errorf("rebuild %s: foreign keys on: %w", table, onErr))
			}
		}()
		if err := conn.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
			return fmt.Errorf("rebuild %s: %w", table, err)
		}
		if fk != 0 {
			return fmt.Errorf("rebuild %s: foreign keys stayed on (inside a transaction?)", table)
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("rebuild %s: %w", table, err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := r.inTx(ctx, tx); err != nil {
		return fmt.Errorf("rebuild %s: %w", table, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("rebuild %s: commit: %w", table, err)
	}
	return nil
}

// inTx is run's transaction.
func (r rebuild) inTx(ctx context.Context, tx *sql.Tx) error {
	table := r.table
	var create string
	if err := tx.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, table).Scan(&create); err != nil {
		return err
	}
	if r.done(create) {
		return nil // already rebuilt
	}
	// As written, or as ALTER TABLE RENAME leaves it.
	body, ok := strings.CutPrefix(create, "CREATE TABLE "+table+" (")
	if !ok {
		body, ok = strings.CutPrefix(create, `CREATE TABLE "`+table+`" (`)
	}
	if !ok {
		return fmt.Errorf("its definition does not start CREATE TABLE %s:\n%s", table, create)
	}
	for _, e := range r.edits {
		if strings.Count(body, e.from) != 1 {
			return fmt.Errorf("its definition does not hold %q once:\n%s", e.from, create)
		}
		body = strings.Replace(body, e.from, e.to, 1)
	}
	newTable := table + "_rebuilt"
	create = "CREATE TABLE " + newTable + " (" + body

	var views []string
	if err := scanStrings(ctx, tx, &views, `SELECT name FROM sqlite_master WHERE type = 'view' AND sql LIKE ?`, "%"+table+"%"); err != nil {
		return err
	}
	if len(views) > 0 {
		return fmt.Errorf("views %v may name it: drop them first", views)
	}
	// Indexes and triggers in the order they were made; the primary key's
	// own index (sql NULL) goes with the old table.
	var remake []string
	if err := scanStrings(ctx, tx, &remake, `SELECT sql FROM sqlite_master
		WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type = 'trigger', rowid`, table); err != nil {
		return err
	}
	var columns []string
	if err := scanStrings(ctx, tx, &columns, `SELECT '"' || name || '"' FROM pragma_table_info(?) ORDER BY cid`, table); err != nil {
		return err
	}
	cols := strings.Join(columns, ", ")
	var stats int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'`).Scan(&stats); err != nil {
		return err
	}
	if stats > 0 {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_stat1 WHERE tbl = ?`, table).Scan(&stats); err != nil {
			return err
		}
	}
	var rows int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM "`+table+`"`).Scan(&rows); err != nil {
		return err
	}
	if r.key == "id" {
		var odd int64
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM "`+table+`" WHERE typeof(id) <> 'integer'`).Scan(&odd); err != nil {
			return err
		}
		if odd > 0 {
			// As a rowid, a NULL would be given a number and anything else
			// refused: neither belongs in a key.
			return fmt.Errorf("%d rows have an id that is not an integer", odd)
		}
	}

	var legacy string
	if err := tx.QueryRowContext(ctx, `PRAGMA legacy_alter_table`).Scan(&legacy); err != nil {
		return err
	}

	stmts := append(slices.Clip(r.before),
		create,
		`INSERT INTO "`+newTable+`" (`+cols+`) SELECT `+cols+` FROM "`+table+`" ORDER BY `+r.key,
		`DROP TABLE "`+table+`"`,
		// The rename with legacy_alter_table on: the new table's name is
		// nowhere to be rewritten, and a modern rename would also check
		// every trigger and view, failing on any (on another table) that
		// names the old table, gone until the rename is done.
		`PRAGMA legacy_alter_table = ON`,
		`ALTER TABLE "`+newTable+`" RENAME TO "`+table+`"`,
		`PRAGMA legacy_alter_table = `+legacy,
	)
	stmts = append(stmts, remake...)
	stmts = append(stmts, r.after...)
	if stats > 0 {
		stmts = append(stmts, `ANALYZE "`+table+`"`)
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%w\n%s", err, s)
		}
	}

	var after int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM "`+table+`"`).Scan(&after); err != nil {
		return err
	}
	if after != rows {
		return fmt.Errorf("%d rows copied of %d", after, rows)
	}
	// The table's own keys. The keys of the tables that reference it
	// cannot have changed: every id was copied as it was, the ids were
	// unique before and are now, and as many rows came out as went in, so
	// the new table holds exactly the old one's ids. (Checking them would
	// read every row of those tables: 6 of the 8 seconds the rebuild took
	// on a database of 100,000 statuses and 10 million feed rows.)
	var broken []string
	if err := scanStrings(ctx, tx, &broken, `SELECT "table" || ' ' || coalesce(rowid, '') || ' -> ' || parent
		FROM pragma_foreign_key_check(?)`, table); err != nil {
		return err
	}
	if len(broken) > 0 {
		return fmt.Errorf("foreign keys broken: %v", broken)
	}
	return nil
}

// done reports whether a CREATE TABLE text already holds every edit:
// each to once (an empty to cannot be told) and no from.
func (r rebuild) done(create string) bool {
	for _, e := range r.edits {
		if strings.Contains(create, e.from) || (e.to != "" && strings.Count(create, e.to) != 1) {
			return false
		}
	}
	return true
}

// scanStrings appends the first column of each row of a query to out.
func scanStrings(ctx context.Context, tx *sql.Tx, out *[]string, query string, args ...any) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		*out = append(*out, s)
	}
	return rows.Err()
}
