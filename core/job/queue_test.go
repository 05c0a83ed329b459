package job_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// clock is a test clock that only moves when told to.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *clock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newQueue returns a queue on the test clock with one kind registered.
func newQueue(t *testing.T, s *storage.Store, c *clock, kinds ...job.Kind) *job.Queue {
	t.Helper()
	q := job.New(s, job.Config{Now: c.Now, Owner: "test"}, quiet())
	for _, k := range kinds {
		if err := q.Register(k); err != nil {
			t.Fatal(err)
		}
	}
	return q
}

func runDue(t *testing.T, q *job.Queue) int {
	t.Helper()
	n, err := q.RunDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func countJobs(t *testing.T, s *storage.Store) int {
	t.Helper()
	counts, err := s.JobCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, byState := range counts {
		for _, c := range byState {
			n += c
		}
	}
	return n
}

func noop(context.Context, *job.Job) error { return nil }

func TestEnqueueFollowsTransaction(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		q := newQueue(t, s, newClock(), job.Kind{Name: "test.noop", Handler: noop})
		boom := errors.New("boom")
		err := s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			if _, err := q.Enqueue(ctx, tx, "test.noop", map[string]int{"n": 1}, job.Options{}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v", err)
		}
		if n := countJobs(t, s); n != 0 {
			t.Fatalf("after rollback: %d jobs, want 0", n)
		}
		var id int64
		err = s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			id, err = q.Enqueue(ctx, tx, "test.noop", map[string]int{"n": 2}, job.Options{})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		j, err := s.JobByID(ctx, id)
		if err != nil || j.State != storage.JobAvailable || j.Args != `{"n":2}` {
			t.Fatalf("after commit: %+v, %v", j, err)
		}
		if _, err := q.Enqueue(ctx, s, "test.unknown", nil, job.Options{}); err == nil {
			t.Error("enqueue of an unregistered kind succeeded")
		}
	})
}

func TestRetryWithBackoffThenSuccess(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		c := newClock()
		var attempts []int
		var args []string
		q := newQueue(t, s, c, job.Kind{
			Name: "test.flaky", Backoff: job.Exponential(10*time.Second, time.Hour),
			Handler: func(_ context.Context, j *job.Job) error {
				attempts = append(attempts, j.Attempt)
				var a struct{ Name string }
				if err := j.Decode(&a); err != nil {
					return err
				}
				args = append(args, a.Name)
				if j.Attempt < 3 {
					return errors.New("temporary failure")
				}
				return nil
			},
		})
		id, err := q.Enqueue(ctx, s, "test.flaky", struct{ Name string }{"x"}, job.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i, base := range []time.Duration{10 * time.Second, 20 * time.Second} {
			start := c.Now()
			if n := runDue(t, q); n != 1 {
				t.Fatalf("attempt %d: ran %d jobs", i+1, n)
			}
			j, err := s.JobByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			delay := j.RunAt.Sub(start)
			if j.State != storage.JobAvailable || j.LastError == nil || *j.LastError != "temporary failure" || j.Attempt != i+1 {
				t.Fatalf("after attempt %d: %+v", i+1, j)
			}
			if delay < base/2 || delay >= base*3/2 {
				t.Fatalf("after attempt %d: retry in %v, want within [%v, %v)", i+1, delay, base/2, base*3/2)
			}
			if n := runDue(t, q); n != 0 {
				t.Fatalf("ran %d jobs before the backoff passed", n)
			}
			c.Set(j.RunAt.Add(-time.Millisecond))
			if n := runDue(t, q); n != 0 {
				t.Fatalf("ran %d jobs a millisecond before run_at", n)
			}
			c.Set(j.RunAt)
		}
		if n := runDue(t, q); n != 1 {
			t.Fatalf("third attempt: ran %d jobs", n)
		}
		if _, err := s.JobByID(ctx, id); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("finished job still stored: %v", err)
		}
		if len(attempts) != 3 || attempts[2] != 3 || args[2] != "x" {
			t.Fatalf("attempts %v, args %v", attempts, args)
		}
	})
}

func TestMaxAttemptsAndPermanentErrorsDiscard(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		c := newClock()
		runs := map[string]int{}
		q := newQueue(t, s, c,
			job.Kind{Name: "test.failing", MaxAttempts: 3, Handler: func(context.Context, *job.Job) error {
				runs["failing"]++
				return errors.New("always fails")
			}},
			job.Kind{Name: "test.permanent", Handler: func(context.Context, *job.Job) error {
				runs["permanent"]++
				return job.Permanent(errors.New("gone for good"))
			}},
			job.Kind{Name: "test.panics", MaxAttempts: 1, Handler: func(context.Context, *job.Job) error {
				runs["panics"]++
				panic("handler bug")
			}},
		)
		ids := map[string]int64{}
		for _, k := range []string{"failing", "permanent", "panics"} {
			id, err := q.Enqueue(ctx, s, "test."+k, nil, job.Options{})
			if err != nil {
				t.Fatal(err)
			}
			ids[k] = id
		}
		for i := 0; i < 6; i++ {
			runDue(t, q)
			c.Add(24 * time.Hour)
		}
		for _, tc := range []struct {
			kind     string
			runs     int
			attempts int
			errText  string
		}{
			{"failing", 3, 3, "always fails"},
			{"permanent", 1, 1, "gone for good"},
			{"panics", 1, 1, "panic: handler bug"},
		} {
			j, err := s.JobByID(ctx, ids[tc.kind])
			if err != nil {
				t.Fatal(err)
			}
			if runs[tc.kind] != tc.runs || j.State != storage.JobDiscarded || j.Attempt != tc.attempts ||
				j.LastError == nil || !strings.Contains(*j.LastError, tc.errText) {
				t.Errorf("%s: runs %d, job %+v", tc.kind, runs[tc.kind], j)
			}
		}
	})
}

func TestRunAtInTheFutureWaits(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		c := newClock()
		ran := 0
		q := newQueue(t, s, c, job.Kind{Name: "test.later", Handler: func(context.Context, *job.Job) error { ran++; return nil }})
		at := c.Now().Add(time.Hour)
		if _, err := q.Enqueue(ctx, s, "test.later", nil, job.Options{RunAt: at, Key: "status-1"}); err != nil {
			t.Fatal(err)
		}
		if _, err := q.Enqueue(ctx, s, "test.later", nil, job.Options{RunAt: at, Key: "status-1"}); !errors.Is(err, storage.ErrConflict) {
			t.Fatalf("second job with the same key: %v, want ErrConflict", err)
		}
		for _, step := range []struct {
			at   time.Time
			want int
		}{{c.Now(), 0}, {at.Add(-time.Second), 0}, {at, 1}, {at.Add(time.Hour), 1}} {
			c.Set(step.at)
			runDue(t, q)
			if ran != step.want {
				t.Fatalf("at %v: ran %d times, want %d", step.at, ran, step.want)
			}
		}
		// A cancelled job never runs.
		if _, err := q.Enqueue(ctx, s, "test.later", nil, job.Options{RunAt: c.Now().Add(time.Minute), Key: "status-2"}); err != nil {
			t.Fatal(err)
		}
		if err := q.Cancel(ctx, s, "test.later", "status-2"); err != nil {
			t.Fatal(err)
		}
		if err := q.Cancel(ctx, s, "test.later", "status-2"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("second cancel: %v", err)
		}
		c.Add(time.Hour)
		runDue(t, q)
		if ran != 1 {
			t.Fatalf("cancelled job ran")
		}
	})
}

func TestPriorityOrder(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		c := newClock()
		var order []string
		rec := func(_ context.Context, j *job.Job) error {
			var name string
			_ = j.Decode(&name)
			order = append(order, name)
			return nil
		}
		q := newQueue(t, s, c,
			job.Kind{Name: "test.fanout", Priority: job.PriorityBulk, Handler: rec},
			job.Kind{Name: "test.reply", Priority: job.PriorityInteractive, Handler: rec},
		)
		for _, e := range []struct{ kind, name string }{
			{"test.fanout", "bulk-1"}, {"test.fanout", "bulk-2"}, {"test.reply", "reply"}, {"test.fanout", "bulk-3"},
		} {
			if _, err := q.Enqueue(ctx, s, e.kind, e.name, job.Options{}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := q.Enqueue(ctx, s, "test.fanout", "urgent-bulk", job.Options{Priority: job.PriorityInteractive}); err != nil {
			t.Fatal(err)
		}
		runDue(t, q)
		want := []string{"reply", "urgent-bulk", "bulk-1", "bulk-2", "bulk-3"}
		if len(order) != len(want) {
			t.Fatalf("order %v, want %v", order, want)
		}
		for i := range want {
			if order[i] != want[i] {
				t.Fatalf("order %v, want %v", order, want)
			}
		}
	})
}

func TestExpiredLeaseIsRunnableAgain(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		c := newClock()
		var attempts []int
		q := newQueue(t, s, c, job.Kind{Name: "test.crash", MaxAttempts: 2, Handler: func(_ context.Context, j *job.Job) error {
			attempts = append(attempts, j.Attempt)
			return nil
		}})
		id, err := q.Enqueue(ctx, s, "test.crash", nil, job.Options{})
		if err != nil {
			t.Fatal(err)
		}
		// Another process claims the job and dies without finishing it.
		claimed, err := s.ClaimJob(ctx, []string{"test.crash"}, "crashed", c.Now(), c.Now().Add(time.Minute))
		if err != nil || claimed.ID != id || claimed.Attempt != 1 {
			t.Fatalf("claim = %+v, %v", claimed, err)
		}
		c.Add(30 * time.Second)
		if n := runDue(t, q); n != 0 {
			t.Fatalf("ran %d jobs while the lease held", n)
		}
		c.Add(31 * time.Second)
		if n := runDue(t, q); n != 1 || len(attempts) != 1 || attempts[0] != 2 {
			t.Fatalf("after the lease expired: ran %d, attempts %v", n, attempts)
		}
		// The crashed claimer cannot touch the job any more.
		if err := s.RetryJob(ctx, id, "crashed", 1, c.Now(), "late"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("stale claimer's retry = %v, want ErrNotFound", err)
		}

		// A job whose last attempt's claimer crashed is discarded, not run.
		id, err = q.Enqueue(ctx, s, "test.crash", nil, job.Options{MaxAttempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ClaimJob(ctx, []string{"test.crash"}, "crashed", c.Now(), c.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		c.Add(2 * time.Minute)
		if n := runDue(t, q); n != 0 {
			t.Fatalf("ran %d jobs with no attempt left", n)
		}
		j, err := s.JobByID(ctx, id)
		if err != nil || j.State != storage.JobDiscarded {
			t.Fatalf("job = %+v, %v; want discarded", j, err)
		}
	})
}
