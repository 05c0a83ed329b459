package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
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
// them in groups (docs/decisions/20261129-sqlite-group-commit.md). SQLite
// lets one writer in at a time. Callers that arrive while a group is
// being written wait; the next group takes every waiter (up to maxGroup),
// in arrival order, into one SQLite transaction: one BEGIN IMMEDIATE,
// one COMMIT and one WAL append for all of them. The callers' functions
// run in turn, on the goroutine writing the group, each inside its own
// SAVEPOINT:
// a function that fails rolls back to its savepoint, so only its own
// writes are undone and only it sees its error, while the others go on.
// Every caller returns once the group's COMMIT has ended: nil if its
// function succeeded and the COMMIT did; its own error if its function
// failed; the COMMIT's error, for every member, if the COMMIT failed.
// A group of one runs without a savepoint, as a plain transaction, and
// a caller that finds nobody writing writes on its own goroutine. A
// caller may ask to be written alone, in a group of its own: a
// transaction writing many pages, which in a SAVEPOINT SQLite would
// first copy into its sub-journal.
//
// PostgreSQL, which takes concurrent writers, has no gate.
type writeGate struct {
	db *bun.DB

	// connMu guards conn, the connection every group writes through,
	// kept from one group to the next: SQLite empties a connection's
	// page cache when another connection has written since its last
	// transaction, so writing through one connection keeps the pages the
	// last groups read and wrote (the feed pages a flush revisits, the
	// indexes of statuses) in its cache. Opened on first use.
	connMu sync.Mutex
	conn   *bun.Conn

	mu      sync.Mutex
	running bool      // a goroutine is writing groups
	waiting []*member // callers queued for the next group, in arrival order

	groups, txs atomic.Int64
	held        atomic.Int64 // nanoseconds the groups held SQLite's write lock
}

// writerCacheKiB is the page cache of the writing connection, in KiB
// (SQLite's default, which the readers keep, is 2,000): a flush of the
// deferred fan-out revisits about a thousand feed leaf pages on the load
// database, which the default cache could not hold.
const writerCacheKiB = 32 << 10

// connection returns the kept writing connection, opening it (with its
// page cache) if there is none, and release, to call once the group is
// written: it hands the connection back to the pool when the pool allows
// a single connection, which the gate must not keep from everyone else.
// (A pool shrunk to one connection after the gate kept one must first
// take it back: Store.ReleaseWriteConnection.)
func (g *writeGate) connection(ctx context.Context) (conn *bun.Conn, release func(), err error) {
	g.connMu.Lock()
	defer g.connMu.Unlock()
	if g.conn != nil {
		return g.conn, func() {}, nil
	}
	c, err := g.db.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	if g.db.Stats().MaxOpenConnections == 1 {
		return &c, func() { _ = c.Close() }, nil
	}
	conn = &c
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", writerCacheKiB)); err != nil {
		discard(conn.Conn)
		return nil, nil, err
	}
	g.conn = conn
	return conn, func() {}, nil
}

// dropConnection closes the kept connection, after a failure that may
// have left it unusable; the next group opens another.
func (g *writeGate) dropConnection() {
	g.connMu.Lock()
	defer g.connMu.Unlock()
	if g.conn != nil {
		discard(g.conn.Conn)
		g.conn = nil
	}
}

// discard closes conn for good rather than handing it back to the pool,
// where a reader would get its large cache (or its broken state).
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close()
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
	alone bool // the member's group holds it only
	ctx   context.Context
	fn    func(ctx context.Context, tx bun.Tx) error
	// result carries the member's outcome once its group has ended.
	result chan outcome
}

// outcome is what a member's InTx returns, or the panic it raises again.
type outcome struct {
	err      error
	panicked any
}

// errGroupLost is returned to members whose writes were undone because
// the group's transaction ended under them (SQLite rolled it back after
// another member's statement failed; see run).
var errGroupLost = errors.New("storage: the shared write transaction was rolled back")

// do runs fn in a transaction of the next group and returns its outcome
// as described on writeGate. It gives up (fn not run) when ctx ends before
// fn's turn. fn runs on the goroutine writing the group (so that the lock
// passes between members without waking goroutines), with ctx's values
// but not its end: a statement interrupted by a cancelled context may
// make SQLite roll back the whole shared transaction. A panic in fn is
// raised again on the caller's goroutine once fn's writes are undone.
func (g *writeGate) do(ctx context.Context, alone bool, fn func(ctx context.Context, tx bun.Tx) error) error {
	m := &member{ctx: ctx, alone: alone, fn: fn, result: make(chan outcome, 1)}
	g.mu.Lock()
	if !g.running {
		// Nobody writes: write alone, on this goroutine, and leave the
		// queue to a writer of its own if others came meanwhile.
		g.running = true
		g.mu.Unlock()
		m.state.Store(memberTaken)
		g.run([]*member{m})
		g.mu.Lock()
		if len(g.waiting) > 0 {
			go g.write()
		} else {
			g.running = false
		}
		g.mu.Unlock()
		return m.end(<-m.result)
	}
	g.waiting = append(g.waiting, m)
	g.mu.Unlock()

	t := time.NewTimer(writeGateWait)
	defer t.Stop()
	select {
	case o := <-m.result:
		return m.end(o)
	case <-ctx.Done():
		if m.state.CompareAndSwap(memberWaiting, memberGone) {
			return fmt.Errorf("storage: waiting to write: %w", ctx.Err())
		}
	case <-t.C:
		if m.state.CompareAndSwap(memberWaiting, memberGone) {
			// Go on alone; SQLite's busy timeout decides.
			return g.db.RunInTx(ctx, nil, fn)
		}
	}
	return m.end(<-m.result) // taken into a group meanwhile
}

// end returns the member's error, or raises its panic again.
func (m *member) end(o outcome) error {
	if o.panicked != nil {
		panic(o.panicked)
	}
	return o.err
}

// call runs the member's function in tx, unless its context ended while
// it waited, and recovers a panic so that the group can undo the
// member's writes and go on.
func (m *member) call(tx bun.Tx) (o outcome) {
	if err := m.ctx.Err(); err != nil {
		return outcome{err: fmt.Errorf("storage: waiting to write: %w", err)}
	}
	defer func() {
		if p := recover(); p != nil {
			o = outcome{err: fmt.Errorf("storage: write transaction panicked: %v", p), panicked: p}
		}
	}()
	return outcome{err: m.fn(context.WithoutCancel(m.ctx), tx)}
}

// write writes groups until nobody waits.
func (g *writeGate) write() {
	for {
		g.mu.Lock()
		var group []*member
		n := 0
		for n < len(g.waiting) && len(group) < maxGroup {
			m := g.waiting[n]
			if m.alone && len(group) > 0 {
				break // it starts the next group
			}
			n++
			if m.state.CompareAndSwap(memberWaiting, memberTaken) {
				group = append(group, m)
				if m.alone {
					break
				}
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
	fail := func(members []*member, err error) {
		for _, m := range members {
			m.result <- outcome{err: err}
		}
	}
	// The kept connection, on which a COMMIT that fails and leaves
	// SQLite's transaction open (a deferred constraint) is rolled back
	// before the next group.
	conn, release, err := g.connection(ctx)
	if err != nil {
		fail(group, fmt.Errorf("storage: connect: %w", err))
		return nil
	}
	defer release()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		g.dropConnection()
		fail(group, fmt.Errorf("storage: begin: %w", err))
		return nil
	}
	g.groups.Add(1)
	g.txs.Add(int64(len(group)))
	single := len(group) == 1
	// outcomes[i] is member i's own; a nil error waits for the COMMIT.
	outcomes := make([]outcome, 0, len(group))
	lost := func(cause error) []*member {
		_ = tx.Rollback()
		for i, m := range group[:len(outcomes)] {
			if outcomes[i].err == nil {
				outcomes[i].err = fmt.Errorf("%w: %w", errGroupLost, cause)
			}
			m.result <- outcomes[i]
		}
		rest := group[len(outcomes):]
		if len(outcomes) == 0 {
			// Lost before anyone wrote: starting again would fail the same way.
			fail(rest, fmt.Errorf("storage: begin: %w", cause))
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
		o := m.call(tx)
		outcomes = append(outcomes, o)
		switch {
		case single && o.err != nil:
			_ = tx.Rollback()
			m.result <- o
			return nil
		case single:
		case o.err != nil:
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
		if outcomes[i].err == nil {
			outcomes[i].err = cerr
		}
		m.result <- outcomes[i]
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
