package job

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/rounds-md/rounds/storage"
)

// Config holds a Queue's settings. The zero value is usable.
type Config struct {
	// Workers caps the jobs this process runs at once, all kinds
	// together; default DefaultWorkers for the store's database.
	Workers int
	// PollInterval is how often the queue looks for due jobs when nothing
	// woke it; default 1 second.
	PollInterval time.Duration
	// Lease is how long a claim lasts without renewal; a running job's
	// lease is renewed every Lease/3, and the jobs of a crashed process
	// become runnable again once their lease has expired (found by a
	// sweep every Lease/2). Default 1 minute.
	Lease time.Duration
	// Owner names this process in claims; default host-pid-random.
	Owner string
	// Now is the clock; default time.Now. Tests move it forward.
	Now func() time.Time
}

// DefaultWorkers is the default Config.Workers on a database of dialect
// d. Most jobs wait rather than compute: a delivery on the remote server,
// inbox processing on a dozen database round trips. On PostgreSQL more of
// them at once overlap those waits (in the federation benchmarks of
// docs/performance.md, on a busy 2-core machine, 16 workers delivered and
// processed about twice what 4 did; its pool has 25 connections); on
// SQLite, whose writers take turns, more than 4 only queue for the write
// lock and did worse.
func DefaultWorkers(d storage.Dialect) int {
	if d == storage.Postgres {
		return 16
	}
	return 4
}

// withDefaults fills in the zero fields of c.
func (c Config) withDefaults(d storage.Dialect) Config {
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers(d)
	}
	if c.PollInterval <= 0 {
		c.PollInterval = time.Second
	}
	if c.Lease <= 0 {
		c.Lease = time.Minute
	}
	if c.Owner == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		c.Owner = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Options change how one job is enqueued. The zero value means: run now,
// at the kind's priority and maximum attempts, with no key.
type Options struct {
	// RunAt is the earliest time the job may run (scheduled work).
	RunAt time.Time
	// Priority overrides the kind's priority.
	Priority Priority
	// MaxAttempts overrides the kind's maximum attempts.
	MaxAttempts int
	// Key, when set, makes the job unique among the live jobs of its kind
	// (a second Enqueue with the same key fails with storage.ErrConflict)
	// and lets Cancel find it.
	Key string
	// IfAbsent, with Key, makes Enqueue do nothing (returning ID 0 and no
	// error) when a live job of the kind has the key already, without
	// failing the caller's transaction: for work that one job does for
	// however many requests (a debounced update).
	IfAbsent bool
}

// Queue registers kinds of jobs, enqueues them and, once started, runs
// them. It is safe for concurrent use.
type Queue struct {
	store *storage.Store
	cfg   Config
	log   *slog.Logger

	mu      sync.Mutex
	kinds   map[string]Kind
	running map[string]int // jobs running now, by kind
	// reserved counts, by kind, the places that workers finishing a job
	// may fill with the job they claim next (reserveNext).
	reserved map[string]int
	total    int
	started  bool
	stopped  bool

	wake     chan struct{}
	quit     chan struct{} // closed by Stop: claim no more
	loopEnd  chan struct{} // closed when the claim loop has returned
	stopDone chan struct{} // closed when the first Stop has returned
	hardCtx  context.Context
	hard     context.CancelFunc // cancels running handlers
	jobs     sync.WaitGroup
}

// New returns a Queue over store. Register kinds, then Start it.
func New(store *storage.Store, cfg Config, log *slog.Logger) *Queue {
	hardCtx, hard := context.WithCancel(context.Background())
	return &Queue{
		store: store, cfg: cfg.withDefaults(store.Dialect()), log: log,
		kinds: map[string]Kind{}, running: map[string]int{}, reserved: map[string]int{},
		wake: make(chan struct{}, 1), quit: make(chan struct{}), loopEnd: make(chan struct{}), stopDone: make(chan struct{}),
		hardCtx: hardCtx, hard: hard,
	}
}

// Register adds a kind of job. Register every kind before Start; a kind
// must be registered in every process that enqueues or runs it.
func (q *Queue) Register(k Kind) error {
	if k.Name == "" || k.Handler == nil {
		return errors.New("job: register: a kind needs a name and a handler")
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, dup := q.kinds[k.Name]; dup {
		return fmt.Errorf("job: register: kind %q registered twice", k.Name)
	}
	if q.started {
		return fmt.Errorf("job: register %q: the queue has started", k.Name)
	}
	q.kinds[k.Name] = k.withDefaults(q.cfg.Workers)
	return nil
}

// kind returns the registered kind called name.
func (q *Queue) kind(name string) (Kind, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	k, ok := q.kinds[name]
	return k, ok
}

// Enqueue adds a job of kind with args (marshalled to JSON) through store.
// Pass the Store of a storage.InTx transaction to enqueue the job together
// with the rows that call for it: if the transaction rolls back, there is
// no job. It returns the job's ID.
func (q *Queue) Enqueue(ctx context.Context, store *storage.Store, kind string, args any, opts Options) (int64, error) {
	j, err := q.Row(kind, args, opts)
	if err != nil {
		return 0, err
	}
	if opts.IfAbsent && j.Key != nil {
		added, err := store.EnqueueJobIfAbsent(ctx, j)
		if err != nil || !added {
			return 0, err
		}
	} else if err := store.EnqueueJob(ctx, j); err != nil {
		return 0, fmt.Errorf("job: enqueue: %w", err)
	}
	q.Wake()
	return j.ID, nil
}

// Row builds the row Enqueue would write, for a caller that writes it
// with other rows in one statement (storage.RecordInboxActivityWithJob);
// call Wake after that commits.
func (q *Queue) Row(kind string, args any, opts Options) (*storage.Job, error) {
	k, ok := q.kind(kind)
	if !ok {
		return nil, fmt.Errorf("job: enqueue: unknown kind %q", kind)
	}
	raw, err := json.Marshal(args)
	if err != nil {
		return nil, fmt.Errorf("job: enqueue %s: arguments: %w", kind, err)
	}
	j := &storage.Job{
		Kind: kind, Args: string(raw), Priority: int(k.Priority), MaxAttempts: k.MaxAttempts,
		RunAt: opts.RunAt,
	}
	if j.RunAt.IsZero() {
		j.RunAt = q.cfg.Now()
	}
	if opts.Priority != 0 {
		j.Priority = int(opts.Priority)
	}
	if opts.MaxAttempts > 0 {
		j.MaxAttempts = opts.MaxAttempts
	}
	if opts.Key != "" {
		j.Key = &opts.Key
	}
	return j, nil
}

// Cancel removes the waiting job of kind with key; storage.ErrNotFound
// when there is none (it ran, is running, or never existed).
func (q *Queue) Cancel(ctx context.Context, store *storage.Store, kind, key string) error {
	if err := store.CancelJob(ctx, kind, key); err != nil {
		return fmt.Errorf("job: cancel: %w", err)
	}
	return nil
}

// Wake makes a started queue look for due jobs now rather than at its next
// poll. Enqueue calls it; call it again after committing a transaction
// that enqueued, so the job starts without waiting for the poll.
func (q *Queue) Wake() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Start begins claiming and running jobs in the background until Stop.
func (q *Queue) Start() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.started {
		return errors.New("job: start: already started")
	}
	q.started = true
	go q.loop()
	return nil
}

// Stop claims no more jobs and waits for the running ones to finish. When
// ctx ends first, it cancels their contexts and hands the jobs back to the
// queue unrun (runnable at once, the attempt not counted). Call it before
// closing the database. A second call waits for the first to return.
func (q *Queue) Stop(ctx context.Context) error {
	q.mu.Lock()
	if q.stopped {
		q.mu.Unlock()
		select {
		case <-q.stopDone:
		case <-ctx.Done():
		}
		return nil
	}
	q.stopped = true
	started := q.started
	q.mu.Unlock()
	defer close(q.stopDone)
	close(q.quit)
	if started {
		<-q.loopEnd
	}
	done := make(chan struct{})
	go func() { q.jobs.Wait(); close(done) }()
	select {
	case <-done:
		q.hard()
		return nil
	case <-ctx.Done():
	}
	q.hard()
	// Handlers see their context cancelled; give them a moment to return
	// and their jobs to be released.
	select {
	case <-done:
		return nil
	case <-time.After(10 * time.Second):
		return errors.New("job: stop: some handlers ignored cancellation; their jobs become runnable when their leases expire")
	}
}

// loop claims due jobs while there are free workers, then waits for a
// wake-up, a finished job or the poll interval.
func (q *Queue) loop() {
	defer close(q.loopEnd)
	ctx := q.hardCtx
	lastSweep := time.Time{}
	retrySoon := false
	for {
		select {
		case <-q.quit:
			return
		default:
		}
		if now := q.cfg.Now(); now.Sub(lastSweep) >= q.cfg.Lease/2 {
			lastSweep = now
			q.sweep(ctx, now)
		}
		claimed := q.fill(ctx)
		wait := q.cfg.PollInterval
		if retrySoon && claimed == 0 {
			// A wake-up from Enqueue inside a transaction may come before
			// the commit: look once more shortly.
			wait = min(wait, 100*time.Millisecond)
		}
		retrySoon = false
		t := time.NewTimer(wait)
		select {
		case <-q.quit:
			t.Stop()
			return
		case <-q.wake:
			retrySoon = true
		case <-t.C:
		}
		t.Stop()
	}
}

// sweep deals with the jobs whose claimer's lease expired (it crashed):
// discarded when that was their last attempt, available again otherwise.
// It also refreshes the queue's planner statistics, which the claim's
// plan depends on (storage.RefreshJobStats), so that a queue that grew
// since the last sweep is claimed through its index.
func (q *Queue) sweep(ctx context.Context, now time.Time) error {
	if err := q.store.RefreshJobStats(ctx); err != nil {
		q.log.WarnContext(ctx, "job: refresh the queue's statistics", "err", err)
	}
	n, err := q.store.DiscardStaleJobs(ctx, now)
	if err != nil {
		q.log.WarnContext(ctx, "job: discard stale jobs", "err", err)
		return err
	}
	if n > 0 {
		q.log.WarnContext(ctx, "job: discarded jobs whose last attempt's lease expired", "count", n)
	}
	if n, err = q.store.RequeueExpiredJobs(ctx, now); err != nil {
		q.log.WarnContext(ctx, "job: requeue expired jobs", "err", err)
		return err
	}
	if n > 0 {
		q.log.InfoContext(ctx, "job: jobs whose lease expired are runnable again", "count", n)
	}
	return nil
}

// freeKinds lists the kinds that may start another job now, sorted.
func (q *Queue) freeKinds() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.total >= q.cfg.Workers {
		return nil
	}
	var out []string
	for name, k := range q.kinds {
		if q.running[name]+q.reserved[name] < k.Concurrency {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// fill claims and starts jobs until no worker or no due job is left, and
// returns how many it started.
func (q *Queue) fill(ctx context.Context) int {
	n := 0
	for {
		select {
		case <-q.quit:
			return n
		default:
		}
		kinds := q.freeKinds()
		if len(kinds) == 0 {
			return n
		}
		now := q.cfg.Now()
		sj, err := q.store.ClaimJob(ctx, kinds, q.cfg.Owner, now, now.Add(q.cfg.Lease))
		if errors.Is(err, storage.ErrNotFound) {
			return n
		}
		if err != nil {
			q.log.WarnContext(ctx, "job: claim", "err", err)
			return n
		}
		k, _ := q.kind(sj.Kind)
		q.mu.Lock()
		q.running[k.Name]++
		q.total++
		q.mu.Unlock()
		q.jobs.Add(1)
		n++
		go q.work(ctx, k, sj)
	}
}

// work runs a claimed job in one of the queue's slots and, until the
// queue stops, the jobs it claims next for that slot as it completes
// each one; then it frees the slot.
func (q *Queue) work(ctx context.Context, k Kind, sj *storage.Job) {
	defer q.jobs.Done()
	for sj != nil {
		next := q.run(ctx, k, sj, true)
		if next != nil {
			k, _ = q.kind(next.Kind)
		}
		sj = next
	}
	q.mu.Lock()
	q.running[k.Name]--
	q.total--
	q.mu.Unlock()
	q.Wake()
}

// reserveNext lists the kinds a worker finishing a job of kind cur may
// claim next in its slot, none once the queue is stopping, and reserves a
// place in each so that the claim loop cannot take it meanwhile;
// settleNext releases the reservations and moves the slot to the kind of
// the job claimed.
func (q *Queue) reserveNext(cur string) []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	select {
	case <-q.quit:
		return nil
	default:
	}
	var out []string
	for name, k := range q.kinds {
		used := q.running[name] + q.reserved[name]
		if name == cur {
			used--
		}
		if used < k.Concurrency {
			out = append(out, name)
		}
	}
	for _, name := range out {
		q.reserved[name]++
	}
	sort.Strings(out)
	return out
}

// settleNext ends a reserveNext.
func (q *Queue) settleNext(cur string, kinds []string, next *storage.Job) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, name := range kinds {
		q.reserved[name]--
	}
	if next != nil {
		q.running[cur]--
		q.running[next.Kind]++
	}
}

// RunDue runs due jobs of the registered kinds one after another in the
// calling goroutine until none is due, and returns how many it ran. It is
// for tests and one-off commands; a serving process uses Start.
func (q *Queue) RunDue(ctx context.Context) (int, error) {
	q.mu.Lock()
	var kinds []string
	for name := range q.kinds {
		kinds = append(kinds, name)
	}
	q.mu.Unlock()
	sort.Strings(kinds)
	n := 0
	for {
		now := q.cfg.Now()
		if err := q.sweep(ctx, now); err != nil {
			return n, fmt.Errorf("job: run due: %w", err)
		}
		sj, err := q.store.ClaimJob(ctx, kinds, q.cfg.Owner, now, now.Add(q.cfg.Lease))
		if errors.Is(err, storage.ErrNotFound) {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("job: run due: %w", err)
		}
		k, _ := q.kind(sj.Kind)
		q.run(ctx, k, sj, false)
		n++
	}
}
