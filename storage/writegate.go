package storage

import (
	"context"
	"fmt"
	"time"
)

// writeGateWait is how long a transaction waits for the gate before it
// goes on without it, leaving the wait to SQLite's busy timeout (set to
// the same 10 s in parseDSN). It only matters if a transaction holds the
// gate that long, or a caller opens a transaction inside another one's
// function through a Store that is not the transaction's.
const writeGateWait = 10 * time.Second

// writeGate queues this process's SQLite transactions, one at a time, in
// the order they arrive. SQLite lets one writer in at a time (every
// transaction begins IMMEDIATE, taking the write lock at BEGIN); without
// the gate, the others retry in SQLite's busy handler, which sleeps 1, 2,
// 5, ... up to 100 ms between tries, so the lock sits idle while waiters
// sleep and an unlucky one waits for seconds (the 685 ms p99 of posting
// in docs/performance.md). With it, each waiter takes the lock the moment
// the previous transaction ends. Other processes on the same file still
// meet SQLite's busy handler. A nil gate (PostgreSQL) lets everyone in.
type writeGate chan struct{}

// newWriteGate returns an open gate.
func newWriteGate() writeGate { return make(writeGate, 1) }

// enter waits for the gate and returns the function that leaves it. It
// gives up when ctx ends.
func (g writeGate) enter(ctx context.Context) (leave func(), err error) {
	if g == nil {
		return func() {}, nil
	}
	select {
	case g <- struct{}{}:
		return g.leave, nil
	default:
	}
	t := time.NewTimer(writeGateWait)
	defer t.Stop()
	select {
	case g <- struct{}{}: // blocked senders are served in arrival order
		return g.leave, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("storage: waiting to write: %w", ctx.Err())
	case <-t.C:
		return func() {}, nil
	}
}

func (g writeGate) leave() { <-g }
