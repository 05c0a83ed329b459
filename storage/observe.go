package storage

import (
	"context"

	"github.com/uptrace/bun"
)

// OnStatement calls fn with the text of every SQL statement the Store (and
// each transaction it starts) sends, BEGIN and COMMIT and prepared
// statements included. It is for tests and benchmarks that count the work
// a request does; call it before the Store is used concurrently (on
// SQLite, before any post: its fan-out's flusher uses the Store in the
// background). fn runs on
// the caller's goroutine and must be safe for concurrent use.
func (s *Store) OnStatement(fn func(query string)) {
	s.db.AddQueryHook(statementHook(fn))
	s.stmts.observers = append(s.stmts.observers, fn)
}

// statementHook adapts a callback to bun's query hook.
type statementHook func(query string)

func (h statementHook) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (h statementHook) AfterQuery(_ context.Context, e *bun.QueryEvent) { h(e.Query) }
