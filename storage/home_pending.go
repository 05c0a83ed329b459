package storage

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// On SQLite a post does not write its followers' home feed rows in its
// own transaction: it records itself in home_feed_pending, and a flush
// writes the rows of every pending status at once, sorted by feed, so
// that each feed's last page is written once per flush rather than once
// per post (docs/decisions/20261201-sqlite-deferred-fan-out.md).
// PostgreSQL, whose database several server processes may share, writes
// them in the post's transaction as before.
//
// Every reader of home_feed sees the followers' rows of every post
// committed before it began: a home page reads the pending rows with the
// feed's, in the same statement (storage/timeline.go, homeIDsQuery), as
// the flush will write them, and a statement inside a write transaction,
// which holds SQLite's only write lock, first flushes in that
// transaction (seeHomeFeeds). Only this process writes the SQLite file
// while it runs (filelock_*.go), so counting the posts in memory is
// enough to know whether anything may be pending.

// homeFeeds counts this process's deferred fan-outs and runs their
// flushes. One is shared by a Store and every Store bound to one of its
// transactions; nil on PostgreSQL.
type homeFeeds struct {
	// queued counts posts that wrote a pending row, counted inside their
	// transaction (so before it commits, or rolls back); flushed is the
	// value queued had when the last successful flush began: every post
	// counted up to it is in its followers' feeds, or was rolled back.
	queued, flushed atomic.Uint64
	// root is the Store that owns the feeds (not bound to a transaction),
	// through which flushes take the write lock.
	root *Store
	// delay is how long the flusher lets posts gather before it flushes
	// (Config.HomeFlushDelay).
	delay time.Duration
	// log receives the background flusher's failures (Config.Logger).
	log *slog.Logger
	// turn lets one flush run at a time (a buffered channel rather than a
	// mutex, so that a reader can stop waiting when its context ends).
	turn chan struct{}

	mu      sync.Mutex
	running bool          // the background flusher runs
	closed  bool          // Close has stopped it; no new one starts
	wake    chan struct{} // tells the flusher that a post wrote a pending row
	full    chan struct{} // tells it that flushFull posts are pending: no more waiting
	stop    chan struct{} // closed by Close
	done    chan struct{} // closed when the flusher has returned
}

// DefaultHomeFlushDelay is Config.HomeFlushDelay's default. Measured on
// the 100k load database (docs/performance.md, "Session 6: deferred
// fan-out on SQLite"): flushing as soon as the previous flush ended cost
// more CPU per post than writing the rows in the post's transaction;
// 50 ms cut it by about a quarter, 100 ms by about two fifths, with the
// 99th percentile of posting rising with the delay.
const DefaultHomeFlushDelay = 50 * time.Millisecond

// flushFull is the number of pending posts that ends the flusher's wait
// early, bounding how long one flush holds SQLite's write lock.
const flushFull = 64

// newHomeFeeds returns an idle homeFeeds owned by root, whose flusher
// waits delay before each flush and logs its failures to log (nil
// discards them).
func newHomeFeeds(root *Store, delay time.Duration, log *slog.Logger) *homeFeeds {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &homeFeeds{root: root, delay: delay, log: log, turn: make(chan struct{}, 1), wake: make(chan struct{}, 1),
		full: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
}

// deferFollowers records, in tx, that st's followers' feed rows are to be
// written by a flush, and wakes the flusher (whose flush waits for the
// write lock, so runs after this transaction ends).
func (s *Store) deferFollowers(ctx context.Context, st *Status) error {
	if _, err := s.execFixed(ctx, `INSERT INTO home_feed_pending (status_id, author_id) VALUES (CAST(?0 AS BIGINT), CAST(?1 AS BIGINT))`,
		st.ID, st.AccountID); err != nil {
		return fmt.Errorf("storage: fan out: %w", classify(err))
	}
	f := s.feeds
	n := f.queued.Add(1)
	f.startFlusher()
	select {
	case f.wake <- struct{}{}:
	default: // already woken
	}
	if n-f.flushed.Load() >= flushFull {
		select {
		case f.full <- struct{}{}:
		default:
		}
	}
	return nil
}

// startFlusher starts the background flusher unless it runs or the Store
// is closed.
func (f *homeFeeds) startFlusher() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.running || f.closed {
		return
	}
	f.running = true
	go f.flusher()
}

// flusher flushes, until Close, delay after a post has written a pending
// row (or as soon as flushFull posts are pending). A flush takes every
// post that committed before it began: what was posted while the
// flusher waited and while the previous flush ran. A flush that
// fails leaves its rows pending for the next one, or for a reader's.
func (f *homeFeeds) flusher() {
	defer close(f.done)
	for {
		select {
		case <-f.stop:
			return
		case <-f.wake:
		}
		if f.delay > 0 {
			// Let posts gather, so that one flush writes each feed's last
			// page once for many of them.
			t := time.NewTimer(f.delay)
			select {
			case <-t.C:
			case <-f.full:
				t.Stop()
			case <-f.stop:
				t.Stop()
				return
			}
		}
		if err := f.flush(context.Background(), f.queued.Load()); err != nil {
			// The rows stay pending: the next flush, or the next reader's,
			// tries again.
			f.log.Warn("storage: background flush of home feeds failed; the rows stay pending", "err", err)
		}
	}
}

// flush makes sure that every post counted up to need is in its
// followers' feeds: it waits for the flush under way, then runs one (in
// a write transaction of its own) unless that one covered need.
func (f *homeFeeds) flush(ctx context.Context, need uint64) error {
	select {
	case f.turn <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("storage: flush home feeds: %w", ctx.Err())
	}
	defer func() { <-f.turn }()
	if f.flushed.Load() >= need {
		return nil
	}
	// Every post counted up to here has run its statements under the
	// write lock, which the flush's transaction takes after them.
	upTo := f.queued.Load()
	// Alone: in a group with posts it would run in a SAVEPOINT, which
	// makes SQLite copy every page the flush touches, as a statement
	// journal would (flushPendingSQL).
	if err := f.root.runTx(ctx, true, func(ctx context.Context, tx *Store) error { return tx.flushPending(ctx) }); err != nil {
		return err
	}
	f.flushed.Store(upTo) // only the holder of turn stores it, in increasing order
	return nil
}

// seeHomeFeeds makes home_feed show every fan-out committed before the
// call: outside a transaction it waits for a flush (running one when
// none is under way), and inside one it flushes in that transaction. It
// must be called before any read of home_feed that does not read the
// pending rows too (homeIDsQuery does), and never while holding the
// write lock through another Store than s.
func (s *Store) seeHomeFeeds(ctx context.Context) error {
	f := s.feeds
	if f == nil {
		return nil
	}
	need := f.queued.Load()
	if need <= f.flushed.Load() {
		return nil
	}
	if s.inTx() {
		return s.flushPending(ctx)
	}
	return f.flush(ctx, need)
}

// FlushHomeFeeds writes into their followers' home feeds the statuses
// whose fan-out is still pending (SQLite; on PostgreSQL there are none).
// Readers of the feeds through the Store need not call it; it is for
// Close, tests and tools that read the database by other means.
func (s *Store) FlushHomeFeeds(ctx context.Context) error {
	if s.feeds == nil {
		return nil
	}
	if s.inTx() {
		return s.flushPending(ctx)
	}
	return s.feeds.flush(ctx, s.feeds.queued.Load()+1)
}

// flushPending writes, in s's transaction, the followers' feed rows of
// every pending status, the local followers of each author as they are
// now, in (account_id, status_id) order, so that each feed's pages are
// visited once; then it deletes the pending rows. A status deleted
// meanwhile is not written.
func (s *Store) flushPending(ctx context.Context) error {
	if _, err := s.execFixed(ctx, flushPendingSQL); err != nil {
		return fmt.Errorf("storage: flush home feeds: %w", classify(err))
	}
	if _, err := s.execFixed(ctx, `DELETE FROM home_feed_pending`); err != nil {
		return fmt.Errorf("storage: flush home feeds: %w", classify(err))
	}
	return nil
}

// flushPendingSQL writes the followers' rows of the pending statuses.
// CROSS JOIN fixes SQLite's join order: the pending rows (few, but a
// table without statistics looks like a million rows to the planner,
// which then scanned statuses or built a Bloom filter over follows),
// each one's status and its author's followers by index, each follower's
// account by primary key; then the sort by feed.
//
// OR IGNORE, rather than ON CONFLICT DO NOTHING, because a statement that
// writes many rows and may stop halfway (a NOT NULL column's check does,
// unless its conflicts are ignored; so does an immediate foreign key,
// which home_feed no longer has on SQLite) makes SQLite copy every page
// it touches into a statement journal: about a third of SQLite's posting
// CPU (docs/decisions/20261203-sqlite-feed-without-foreign-keys.md). The
// rows ignored are the same: those already in a feed, as no column read
// here is NULL. TestFlushNeedsNoJournal checks the statement's program.
const flushPendingSQL = `INSERT OR IGNORE INTO home_feed (account_id, status_id, author_id)
	SELECT f.account_id, p.status_id, p.author_id
	FROM home_feed_pending p CROSS JOIN statuses st CROSS JOIN follows f CROSS JOIN accounts a
	WHERE st.id = p.status_id AND f.target_account_id = p.author_id AND a.id = f.account_id
		AND a.domain = '' AND st.deleted_at IS NULL
	ORDER BY f.account_id, p.status_id`

// recoverHomeFeeds flushes the pending rows a previous process left (it
// stopped before flushing them), when the table exists.
func (s *Store) recoverHomeFeeds(ctx context.Context) error {
	ok, err := s.tableExists(ctx, "home_feed_pending")
	if err != nil || !ok {
		return err
	}
	var n int
	if err := s.db.NewRaw(`SELECT COUNT(*) FROM home_feed_pending`).Scan(ctx, &n); err != nil {
		return fmt.Errorf("storage: recover home feeds: %w", classify(err))
	}
	if n == 0 {
		return nil
	}
	return s.FlushHomeFeeds(ctx)
}

// closeHomeFeeds stops the flusher and flushes what is left.
func (s *Store) closeHomeFeeds(ctx context.Context) error {
	f := s.feeds
	if f == nil {
		return nil
	}
	f.mu.Lock()
	wasRunning := f.running
	if !f.closed {
		f.closed = true
		close(f.stop)
	}
	f.mu.Unlock()
	if wasRunning {
		<-f.done
	}
	if f.queued.Load() <= f.flushed.Load() {
		return nil
	}
	return f.flush(ctx, f.queued.Load())
}
