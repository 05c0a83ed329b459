package media_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/core/media/mediatest"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// fakeClock is a job queue's clock that a test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// cleanupJobs counts the waiting clean-up jobs.
func cleanupJobs(t *testing.T, s *storage.Store) int {
	t.Helper()
	counts, err := s.JobCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range counts[media.CleanupKind] {
		n += c
	}
	return n
}

// TestCleanupJobRunsHourly: ScheduleCleanup queues one job for the next
// hour however often it is called; the job deletes the uploads that have
// been unattached longer than the grace, rows and files, and queues the
// next hour's.
func TestCleanupJobRunsHourly(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		clock := &fakeClock{now: time.Now()}
		f := setupWith(t, s, media.Config{UnattachedGrace: time.Millisecond}, job.Config{Now: clock.Now})
		m, err := f.media.Create(ctx, f.alice, media.Upload{File: mediatest.JPEG(t, 40, 30, 1)}, true)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // a second process starting queues nothing more
			if err := f.media.ScheduleCleanup(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n := cleanupJobs(t, s); n != 1 {
			t.Fatalf("%d clean-up jobs queued, want 1", n)
		}
		f.runJobs(t) // not due yet
		if _, err := s.MediaByID(ctx, m.ID); err != nil {
			t.Fatalf("the upload went before its hour: %v", err)
		}

		time.Sleep(2 * time.Millisecond) // past the grace
		// Just past the hour the job waits for, and before the next one,
		// which the job queues: moving a fixed 61 minutes made that next
		// hour due as well whenever the test started in an hour's last
		// minute.
		due := clock.Now().UTC().Truncate(time.Hour).Add(time.Hour)
		clock.advance(due.Sub(clock.Now()) + time.Second)
		if n, err := f.jobs.RunDue(ctx); err != nil || n != 1 {
			t.Fatalf("RunDue = %d, %v; want the clean-up alone", n, err)
		}
		if _, err := s.MediaByID(ctx, m.ID); err == nil {
			t.Error("the unattached upload survived the clean-up")
		}
		if got := f.files(t); len(got) != 0 {
			t.Errorf("files left: %v", got)
		}
		if n := cleanupJobs(t, s); n != 1 {
			t.Errorf("%d clean-up jobs after one ran, want the next hour's", n)
		}
	})
}
