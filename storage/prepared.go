package storage

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/uptrace/bun"
)

// Hot statements with a fixed text are prepared once per connection
// instead of interpolated by bun: both databases parse and plan every new
// statement text from scratch, and for a statement of a dozen UNION
// branches (SQLite), or an INSERT with its checks and triggers
// (PostgreSQL), that planning cost more than running it. The text is
// written with bun's positional placeholders (?0, ?1, ...) and rewritten
// for each driver; inside a transaction the statement is bound to the
// transaction's connection.
//
// A parameter compared with an indexed column is written CAST(?N AS
// BIGINT), not bare: SQLite (built with STAT4, and analysed) otherwise
// marks the statement to be planned again whenever that parameter is
// bound, and re-preparing the page's statements for each reader was a
// fifth of a home page's CPU. The cast changes nothing on PostgreSQL.

// stmtCache holds the prepared statements of one Store.
type stmtCache struct {
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
	// observers are OnStatement's callbacks, told of prepared statements
	// too (bun's hooks do not see them).
	observers []func(string)
}

// positional matches bun's ?N placeholders.
var positional = regexp.MustCompile(`\?(\d+)`)

// queryFixed runs a read whose text never changes, prepared once per
// connection, inside a transaction too. It returns the rows to scan by
// hand.
func (s *Store) queryFixed(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	stmt, err := s.fixed(ctx, query)
	if err != nil {
		return nil, err
	}
	return stmt.QueryContext(ctx, s.driverArgs(args)...)
}

// execFixed runs a write whose text never changes, prepared once per
// connection, inside a transaction too, and tells the read cache what it
// wrote as bun's hook does. On PostgreSQL this is what spares the server
// from planning the statement again: bun writes every argument into the
// text, so each statement it sends is new to PostgreSQL, which parses and
// plans it from scratch; a prepared text is planned once and then runs on
// its cached generic plan. For the few statements each received activity
// or post makes, planning cost PostgreSQL more CPU than running them
// (docs/performance.md).
func (s *Store) execFixed(ctx context.Context, query string, args ...any) (sql.Result, error) {
	stmt, err := s.fixed(ctx, query)
	if err != nil {
		return nil, err
	}
	res, err := stmt.ExecContext(ctx, s.driverArgs(args)...)
	if s.cache != nil {
		cacheHook{s.cache}.AfterQuery(ctx, &bun.QueryEvent{Query: query})
	}
	return res, err
}

// fixed returns query's statement prepared on the pool, bound to the
// transaction when s is one (database/sql reuses what each connection has
// prepared), and tells the observers of it.
func (s *Store) fixed(ctx context.Context, query string) (*sql.Stmt, error) {
	tx, inTx := s.idb.(bun.Tx)
	if !inTx {
		stmt, err := s.stmts.prepare(ctx, s.db.DB, s.dialect, query)
		if err != nil {
			return nil, err
		}
		s.stmts.observe(query)
		return stmt, nil
	}
	stmt := s.stmts.get(query)
	if stmt == nil {
		// Preparing on the pool takes a second connection. When
		// transactions hold every connection and each waits for one to
		// prepare on, none would ever come; so the wait is bounded, and
		// past it the statement is prepared on the transaction's own
		// connection for this use only (closed with the transaction).
		// The pool is tried again at the next use.
		pctx, cancel := context.WithTimeout(ctx, poolPrepareWait)
		var err error
		stmt, err = s.stmts.prepare(pctx, s.db.DB, s.dialect, query)
		cancel()
		if err != nil {
			if ctx.Err() != nil || pctx.Err() == nil {
				return nil, err
			}
			own, err := tx.Tx.PrepareContext(ctx, driverText(s.dialect, query))
			if err != nil {
				return nil, fmt.Errorf("storage: prepare: %w", classify(err))
			}
			s.stmts.observe(query)
			return own, nil
		}
	}
	s.stmts.observe(query)
	return tx.Tx.StmtContext(ctx, stmt), nil
}

// poolPrepareWait bounds how long a transaction waits for a connection
// of the pool to prepare a statement on (fixed).
const poolPrepareWait = 100 * time.Millisecond

// observe tells the observers of a statement run.
func (c *stmtCache) observe(query string) {
	for _, fn := range c.observers {
		fn(query)
	}
}

// driverArgs gives args to the driver as bun would have written them
// into the text: on SQLite, times as bun's UTC text (the driver's own
// format differs, and stored times are compared as text).
func (s *Store) driverArgs(args []any) []any {
	if s.dialect != SQLite {
		return args
	}
	for i, a := range args {
		switch t := a.(type) {
		case time.Time:
			args[i] = sqliteTime(t)
		case *time.Time:
			if t != nil {
				args[i] = sqliteTime(*t)
			}
		}
	}
	return args
}

// sqliteTime writes t as bun's SQLite dialect does.
func sqliteTime(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04:05.999999-07:00")
}

// get returns query's statement if it has been prepared, nil if not.
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.stmts[query]
}

// prepare returns the prepared statement for query, preparing it once.
// No lock is held while preparing, which may wait for a connection: two
// callers may both prepare, and the second closes its own.
func (c *stmtCache) prepare(ctx context.Context, db *sql.DB, d Dialect, query string) (*sql.Stmt, error) {
	if st := c.get(query); st != nil {
		return st, nil
	}
	st, err := db.PrepareContext(ctx, driverText(d, query))
	if err != nil {
		return nil, fmt.Errorf("storage: prepare: %w", classify(err))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.stmts[query]; ok {
		_ = st.Close()
		return old, nil
	}
	c.stmts[query] = st
	return st, nil
}

// driverText writes bun's positional placeholders (?0, ?1, ...) as the
// driver's ($1 on PostgreSQL, ?1 on SQLite).
func driverText(d Dialect, query string) string {
	return positional.ReplaceAllStringFunc(query, func(m string) string {
		n, _ := strconv.Atoi(m[1:])
		if d == Postgres {
			return "$" + strconv.Itoa(n+1)
		}
		return "?" + strconv.Itoa(n+1)
	})
}

// close closes every prepared statement.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		_ = st.Close()
	}
	c.stmts = map[string]*sql.Stmt{}
}

// selectIDs is a SELECT of the IDs in argument ?n, written by int64List,
// as the column id: one text for any number of IDs, so that it is
// prepared once.
func (s *Store) selectIDs(n int) string {
	return selectIDsIn(s.dialect, n)
}

// selectIDsIn is selectIDs for dialect d.
func selectIDsIn(d Dialect, n int) string {
	if d == Postgres {
		return `SELECT unnest(CAST(?` + strconv.Itoa(n) + ` AS BIGINT[])) AS id`
	}
	return `SELECT value AS id FROM json_each(?` + strconv.Itoa(n) + `)`
}

// scanIDs reads rs's one BIGINT column and closes rs.
func scanIDs(rs *sql.Rows) ([]int64, error) {
	defer rs.Close()
	var ids []int64
	for rs.Next() {
		var id int64
		if err := rs.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rs.Err()
}

// pgTextArray writes words as a PostgreSQL array literal, each element
// quoted.
func pgTextArray(words []string) string {
	b := make([]byte, 0, 64)
	b = append(b, '{')
	for i, w := range words {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		for j := 0; j < len(w); j++ {
			if w[j] == '"' || w[j] == '\\' {
				b = append(b, '\\')
			}
			b = append(b, w[j])
		}
		b = append(b, '"')
	}
	return string(append(b, '}'))
}
