package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"
)

// writeGateWait is how long a transaction waits in the queue before it
// goes on without it, leaving the wait to SQLite's busy timeout (set to
// the same 10 s in parseDSN). It only matters if a group holds the lock
// that long, or a caller opens a transaction inside another one's
// function through a Store that is not the transaction's (which would
// otherwise wait for itself).
const writeGateWait = 10 * time.Second

// maxGroup caps how many transactions share one SQLite transaction, so
// that the first of a group waits for a bounded number of others.
const maxGroup = 16

// writeGate queues this process's SQLite write transactions and commits
// them in groups (docs/decisions/20261128-sqlite-group-commit.md). SQLite
// lets one writer in at a time. Callers that arrive while a group is
// being written wait; the next group takes every waiter (up to maxGroup),
// in arrival order, into one SQLite transaction: one BEGIN IMMEDIATE,
// one COMMIT and one WAL append for all of them. Each caller's function
// runs on the caller's own goroutine, in turn, inside its own SAVEPOINT:
// a function that fails rolls back to its savepoint, so only its own
// writes are undone and only it sees its error, while the others go on.
// Every caller returns once the group's COMMIT has ended: nil if its
// function succeeded and the COMMIT did; its own error if its function
// failed; the COMMIT's error, for every member, if the COMMIT failed.
// A group of one runs without a savepoint, as a plain transaction.
//
// A nil gate (PostgreSQL, which takes concurrent writers) is not used.
type writeGate struct {
	db *bun.DB

	mu      sync.Mutex
	running bool      // a goroutine is writing groups
	waiting []*member // callers queued for the next group, in arrival order

	groups, txs atomic.Int64
	held        atomic.Int64 // nanoseconds the groups held SQLite's write lock
}

// newWriteGate returns an idle gate writing through db.
func newWriteGate(db *bun.DB) *writeGate { return &writeGate{db: db} }

// member states: a queued caller is either still waiting, taken into a
// group (which will give it its turn), or gone (it stopped waiting).
const (
	memberWaiting int32 = iota
	memberTaken
	memberGone
)

// member is one caller's transaction in the queue.
type member struct {
	state atomic.Int32
	// turn gives the member the group's transaction when its turn comes,
	// or the error that ended the group before it.
	turn chan turn
	// done carries what the member's function returned.
	done chan error
	// result carries the member's outcome once the group has ended.
	result chan error
}

// turn is a member's go: the transaction to write in, or why there is
// none.
type turn struct {
	tx  bun.Tx
	err error
}

// errGroupLost is returned to members whose writes were undone because
// the group's transaction ended under them (SQLite rolled it back after
// another member's statement failed; see run).
var errGroupLost = errors.New("storage: the shared write transaction was rolled back")

// do runs fn in a transaction of the next group and returns its outcome
// as described on writeGate. It gives up (fn not run) when ctx ends before
// fn's turn; once fn runs, ctx's end no longer interrupts the statements
// (an interrupted statement may make SQLite roll back the whole shared
// transaction), and fn is expected to return.
func (g *writeGate) do(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	m := &member{turn: make(chan turn, 1), done: make(chan error, 1), result: make(chan error, 1)}
	g.mu.Lock()
	g.waiting = append(g.waiting, m)
	if !g.running {
		g.running = true
		go g.write()
	}
	g.mu.Unlock()

	t := time.NewTimer(writeGateWait)
	defer t.Stop()
	var my turn
	select {
	case my = <-m.turn:
	case <-ctx.Done():
		if m.state.CompareAndSwap(memberWaiting, memberGone) {
			return fmt.Errorf("storage: waiting to write: %w", ctx.Err())
		}
		my = <-m.turn // taken just now: the group waits for this member
	case <-t.C:
		if m.state.CompareAndSwap(memberWaiting, memberGone) {
			// Go on alone; SQLite's busy timeout decides.
			return g.db.RunInTx(ctx, nil, fn)
		}
		my = <-m.turn
	}
	if my.err != nil {
		return my.err
	}
	if err := ctx.Err(); err != nil {
		m.done <- err // given up while the group wrote others: nothing written
		<-m.result
		return fmt.Errorf("storage: waiting to write: %w", err)
	}
	panicked, err := runMember(context.WithoutCancel(ctx), my.tx, fn)
	m.done <- err
	res := <-m.result
	if panicked != nil {
		panic(panicked) // on the caller's goroutine, once its writes are undone
	}
	return res
}

// runMember runs fn and recovers a panic, so that the group can undo the
// member's writes and go on before the caller panics again.
func runMember(ctx context.Context, tx bun.Tx, fn func(ctx context.Context, tx bun.Tx) error) (panicked any, err error) {
	defer func() {
		if p := recover(); p != nil {
			panicked, err = p, fmt.Errorf("storage: write transaction panicked: %v", p)
		}
	}()
	return nil, fn(ctx, tx)
}

// write writes groups until nobody waits.
func (g *writeGate) write() {
	for {
		g.mu.Lock()
		var group []*member
		n := 0
		for n < len(g.waiting) && len(group) < maxGroup {
			m := g.waiting[n]
			n++
			if m.state.CompareAndSwap(memberWaiting, memberTaken) {
				group = append(group, m)
			}
		}
		g.waiting = g.waiting[n:]
		if len(group) == 0 && len(g.waiting) == 0 {
			g.running = false
			g.waiting = nil
			g.mu.Unlock()
			return
		}
		g.mu.Unlock()
		for len(group) > 0 {
			group = g.run(group)
		}
	}
}

// run writes one group in one SQLite transaction and tells each member
// its outcome. It returns the members it did not get to, because the
// transaction was lost before their turn; the caller runs them in a new
// one.
func (g *writeGate) run(group []*member) (rest []*member) {
	ctx := context.Background() // no member's end may end the others' transaction
	start := time.Now()
	defer func() { g.held.Add(int64(time.Since(start))) }()
	// A connection of the group's own, so that a COMMIT that fails and
	// leaves SQLite's transaction open (a deferred constraint) can be
	// rolled back before the connection goes back to the pool.
	conn, err := g.db.Conn(ctx)
	if err != nil {
		err = fmt.Errorf("storage: connect: %w", err)
		for _, m := range group {
			m.turn <- turn{err: err}
		}
		return nil
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		err = fmt.Errorf("storage: begin: %w", err)
		for _, m := range group {
			m.turn <- turn{err: err}
		}
		return nil
	}
	g.groups.Add(1)
	g.txs.Add(int64(len(group)))
	single := len(group) == 1
	// outcome[i] is member i's error from its own function; nil members
	// wait for the COMMIT.
	outcome := make([]error, 0, len(group))
	lost := func(cause error) []*member {
		_ = tx.Rollback()
		for i, m := range group[:len(outcome)] {
			if outcome[i] == nil {
				m.result <- fmt.Errorf("%w: %w", errGroupLost, cause)
			} else {
				m.result <- outcome[i]
			}
		}
		rest := group[len(outcome):]
		if len(outcome) == 0 {
			// Lost before anyone wrote: starting again would fail the same way.
			for _, m := range rest {
				m.turn <- turn{err: fmt.Errorf("storage: begin: %w", cause)}
			}
			return nil
		}
		return rest
	}
	for _, m := range group {
		if !single {
			if _, err := tx.ExecContext(ctx, "SAVEPOINT rounds_member"); err != nil {
				return lost(err)
			}
		}
		m.turn <- turn{tx: tx}
		err := <-m.done
		outcome = append(outcome, err)
		switch {
		case single && err != nil:
			_ = tx.Rollback()
			m.result <- err
			return nil
		case single:
		case err != nil:
			// If SQLite rolled back the whole transaction after the failed
			// statement, the savepoint is gone and this fails: the members
			// before this one lost their writes, and the rest must start
			// again.
			if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO rounds_member"); rerr != nil {
				return lost(rerr)
			}
			if _, rerr := tx.ExecContext(ctx, "RELEASE rounds_member"); rerr != nil {
				return lost(rerr)
			}
		default:
			if _, rerr := tx.ExecContext(ctx, "RELEASE rounds_member"); rerr != nil {
				return lost(rerr)
			}
		}
	}
	cerr := tx.Commit()
	if cerr != nil {
		_, _ = conn.ExecContext(ctx, "ROLLBACK") // fails harmlessly if SQLite ended it
		cerr = fmt.Errorf("storage: commit: %w", cerr)
	}
	for i, m := range group {
		if outcome[i] != nil {
			m.result <- outcome[i]
		} else {
			m.result <- cerr
		}
	}
	return nil
}

// WriteStats describes how SQLite write transactions were committed
// (zero on PostgreSQL).
type WriteStats struct {
	// Transactions is the number of InTx calls committed or rolled back
	// through the queue; Groups the number of SQLite transactions they
	// ran in.
	Transactions, Groups int64
	// Held is the time the groups held SQLite's write lock, from BEGIN
	// to the end of COMMIT.
	Held time.Duration
	// Waiting is the number of callers queued for the next group now.
	Waiting int
}

// WriteStats reports how this Store's SQLite write transactions were
// grouped and how long they held the write lock, for benchmarks.
func (s *Store) WriteStats() WriteStats {
	if s.writer == nil {
		return WriteStats{}
	}
	g := s.writer
	g.mu.Lock()
	waiting := 0
	for _, m := range g.waiting {
		if m.state.Load() == memberWaiting {
			waiting++
		}
	}
	g.mu.Unlock()
	return WriteStats{Transactions: g.txs.Load(), Groups: g.groups.Load(), Held: time.Duration(g.held.Load()), Waiting: waiting}
}
