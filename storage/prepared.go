package storage

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"sync"
)

// Hot reads with a fixed text are prepared once per connection instead of
// interpolated by bun: SQLite plans every new statement text from scratch,
// and for a statement of a dozen UNION branches that planning cost more
// than running it. The text is written with bun's positional
// placeholders (?0, ?1, ...) and rewritten for each driver; inside a
// transaction the same text goes through bun as usual.
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

// queryFixed runs a read whose text never changes: prepared on the pool
// outside transactions, through bun inside one. It returns the rows to
// scan with scanRows.
func (s *Store) queryFixed(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s.inTx() || s.stmts == nil {
		return s.idb.QueryContext(ctx, query, args...)
	}
	stmt, err := s.stmts.prepare(ctx, s.db.DB, s.dialect, query)
	if err != nil {
		return nil, err
	}
	for _, fn := range s.stmts.observers {
		fn(query)
	}
	return stmt.QueryContext(ctx, args...)
}

// prepare returns the prepared statement for query, preparing it once.
func (c *stmtCache) prepare(ctx context.Context, db *sql.DB, d Dialect, query string) (*sql.Stmt, error) {
	c.mu.RLock()
	st, ok := c.stmts[query]
	c.mu.RUnlock()
	if ok {
		return st, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok {
		return st, nil
	}
	text := positional.ReplaceAllStringFunc(query, func(m string) string {
		n, _ := strconv.Atoi(m[1:])
		if d == Postgres {
			return "$" + strconv.Itoa(n+1)
		}
		return "?" + strconv.Itoa(n+1)
	})
	st, err := db.PrepareContext(ctx, text)
	if err != nil {
		return nil, fmt.Errorf("storage: prepare: %w", classify(err))
	}
	c.stmts[query] = st
	return st, nil
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
