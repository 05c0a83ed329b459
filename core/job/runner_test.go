package job_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// waitFor polls cond until it holds, failing the test after a generous
// bound (a hang, not a speed check).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// openTwice opens two Stores on one fresh, migrated database, as two
// processes would.
func openTwice(t *testing.T, d storage.Dialect) (*storage.Store, *storage.Store) {
	t.Helper()
	cfg := storagetest.Config(t, d)
	var stores [2]*storage.Store
	for i := range stores {
		s, err := storage.Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		stores[i] = s
	}
	if _, err := stores[0].Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return stores[0], stores[1]
}

func TestTwoRunnersNeverRunAJobTwice(t *testing.T) {
	for _, d := range []storage.Dialect{storage.SQLite, storage.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			s1, s2 := openTwice(t, d)
			jobs := 300
			if d == storage.SQLite {
				jobs = 100 // two writers on one file wait on its lock; fewer jobs keep this quick
			}
			var mu sync.Mutex
			runs := map[int64]int{}
			active := map[int64]bool{}
			byRunner := map[string]int{}
			overlaps := 0
			handler := func(name string) job.Handler {
				return func(ctx context.Context, j *job.Job) error {
					mu.Lock()
					if active[j.ID] {
						overlaps++
					}
					active[j.ID] = true
					runs[j.ID]++
					byRunner[name]++
					mu.Unlock()
					time.Sleep(time.Millisecond)
					mu.Lock()
					active[j.ID] = false
					mu.Unlock()
					return nil
				}
			}
			var queues []*job.Queue
			for i, s := range []*storage.Store{s1, s2} {
				name := []string{"a", "b"}[i]
				q := job.New(s, job.Config{Workers: 4, PollInterval: 5 * time.Millisecond, Owner: name}, quiet())
				if err := q.Register(job.Kind{Name: "test.count", Handler: handler(name)}); err != nil {
					t.Fatal(err)
				}
				queues = append(queues, q)
			}
			for i := 0; i < jobs; i++ {
				if _, err := queues[i%2].Enqueue(ctx, s1, "test.count", i, job.Options{}); err != nil {
					t.Fatal(err)
				}
			}
			for _, q := range queues {
				if err := q.Start(); err != nil {
					t.Fatal(err)
				}
			}
			waitFor(t, "all jobs to finish", func() bool { return countJobs(t, s1) == 0 })
			for _, q := range queues {
				if err := q.Stop(ctx); err != nil {
					t.Fatal(err)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if len(runs) != jobs || overlaps != 0 {
				t.Fatalf("%d distinct jobs ran (want %d), %d overlapping runs", len(runs), jobs, overlaps)
			}
			for id, n := range runs {
				if n != 1 {
					t.Fatalf("job %d ran %d times", id, n)
				}
			}
			t.Logf("jobs run by runner: %v", byRunner)
		})
	}
}

func TestPerKindConcurrency(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		var mu sync.Mutex
		now, peak, done := 0, 0, 0
		q := job.New(s, job.Config{Workers: 4, PollInterval: 5 * time.Millisecond}, quiet())
		err := q.Register(job.Kind{Name: "test.serial", Concurrency: 1, Handler: func(context.Context, *job.Job) error {
			mu.Lock()
			now++
			peak = max(peak, now)
			mu.Unlock()
			time.Sleep(5 * time.Millisecond)
			mu.Lock()
			now--
			done++
			mu.Unlock()
			return nil
		}})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 8; i++ {
			if _, err := q.Enqueue(ctx, s, "test.serial", i, job.Options{}); err != nil {
				t.Fatal(err)
			}
		}
		if err := q.Start(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "jobs to finish", func() bool { mu.Lock(); defer mu.Unlock(); return done == 8 })
		if err := q.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if peak != 1 {
			t.Fatalf("%d jobs of a kind with concurrency 1 ran at once", peak)
		}
	})
}

func TestStopReleasesUnfinishedJobs(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		started := make(chan struct{})
		q := job.New(s, job.Config{PollInterval: 5 * time.Millisecond}, quiet())
		err := q.Register(job.Kind{Name: "test.slow", Handler: func(ctx context.Context, j *job.Job) error {
			close(started)
			<-ctx.Done()
			return ctx.Err()
		}})
		if err != nil {
			t.Fatal(err)
		}
		id, err := q.Enqueue(ctx, s, "test.slow", nil, job.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Start(); err != nil {
			t.Fatal(err)
		}
		<-started
		expired, cancel := context.WithCancel(ctx)
		cancel()
		if err := q.Stop(expired); err != nil {
			t.Fatal(err)
		}
		j, err := s.JobByID(ctx, id)
		if err != nil || j.State != storage.JobAvailable || j.Attempt != 0 || j.LockedBy != nil {
			t.Fatalf("after stop: %+v, %v; want available with no attempt counted", j, err)
		}

		// A job that finishes within the grace period is completed, not
		// released.
		finish := make(chan struct{})
		q2 := job.New(s, job.Config{PollInterval: 5 * time.Millisecond}, quiet())
		running := make(chan struct{}, 1)
		err = q2.Register(job.Kind{Name: "test.slow", Handler: func(ctx context.Context, j *job.Job) error {
			running <- struct{}{}
			<-finish
			return nil
		}})
		if err != nil {
			t.Fatal(err)
		}
		if err := q2.Start(); err != nil {
			t.Fatal(err)
		}
		<-running
		stopped := make(chan error)
		go func() { stopped <- q2.Stop(ctx) }()
		close(finish)
		if err := <-stopped; err != nil {
			t.Fatal(err)
		}
		if n := countJobs(t, s); n != 0 {
			t.Fatalf("%d jobs left after a graceful stop", n)
		}
	})
}

// TestChainedClaimsKeepLimits: a worker that finishes a job claims the
// next one for its slot, of any kind with room; the per-kind and total
// limits hold while workers and the claim loop both claim.
func TestChainedClaimsKeepLimits(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		var mu sync.Mutex
		running := map[string]int{}
		peak := map[string]int{}
		total, peakTotal := 0, 0
		runs := map[int64]int{}
		handler := func(kind string) job.Handler {
			return func(_ context.Context, j *job.Job) error {
				mu.Lock()
				running[kind]++
				total++
				peak[kind] = max(peak[kind], running[kind])
				peakTotal = max(peakTotal, total)
				runs[j.ID]++
				mu.Unlock()
				time.Sleep(2 * time.Millisecond)
				mu.Lock()
				running[kind]--
				total--
				mu.Unlock()
				return nil
			}
		}
		q := job.New(s, job.Config{Workers: 3, PollInterval: 5 * time.Millisecond}, quiet())
		for _, k := range []job.Kind{
			{Name: "test.narrow", Concurrency: 1, Handler: handler("test.narrow")},
			{Name: "test.wide", Handler: handler("test.wide")},
		} {
			if err := q.Register(k); err != nil {
				t.Fatal(err)
			}
		}
		const n = 60
		for i := 0; i < n; i++ {
			kind := []string{"test.narrow", "test.wide"}[i%2]
			if _, err := q.Enqueue(ctx, s, kind, i, job.Options{}); err != nil {
				t.Fatal(err)
			}
		}
		if err := q.Start(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "jobs to finish", func() bool { return countJobs(t, s) == 0 })
		if err := q.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(runs) != n {
			t.Errorf("%d jobs ran, want %d", len(runs), n)
		}
		for id, c := range runs {
			if c != 1 {
				t.Errorf("job %d ran %d times", id, c)
			}
		}
		if peak["test.narrow"] > 1 || peakTotal > 3 {
			t.Errorf("peaks: %v, %d in all; want at most 1 narrow and 3 in all", peak, peakTotal)
		}
	})
}
