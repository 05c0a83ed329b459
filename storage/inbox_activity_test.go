package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestRecordInboxActivityWithJob: a new activity id is recorded with its
// job, whole; a replay of it records and enqueues nothing; the job is
// claimable like any other.
func TestRecordInboxActivityWithJob(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Millisecond)
		newJob := func() *storage.Job {
			return &storage.Job{Kind: "federation.inbox", Args: `{"activity":"e30="}`, Priority: 1, MaxAttempts: 5, RunAt: now}
		}
		j := newJob()
		fresh, err := s.RecordInboxActivityWithJob(ctx, "https://remote.example/activities/1", now, j)
		if err != nil || !fresh {
			t.Fatalf("first receipt: fresh %v, %v", fresh, err)
		}
		got, err := s.JobByID(ctx, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Kind != j.Kind || got.Args != j.Args || got.Priority != 1 || got.MaxAttempts != 5 || got.State != storage.JobAvailable ||
			got.Attempt != 0 || got.Key != nil || !got.RunAt.Equal(now) || got.CreatedAt.IsZero() {
			t.Errorf("stored job: %+v", got)
		}

		again := newJob()
		fresh, err = s.RecordInboxActivityWithJob(ctx, "https://remote.example/activities/1", now, again)
		if err != nil || fresh {
			t.Fatalf("replay: fresh %v, %v", fresh, err)
		}
		if _, err := s.JobByID(ctx, again.ID); err == nil {
			t.Error("a replay enqueued a second job")
		}
		if fresh, err := s.RecordInboxActivity(ctx, "https://remote.example/activities/1", now); err != nil || fresh {
			t.Errorf("the id was not recorded: fresh %v, %v", fresh, err)
		}

		claimed, err := s.ClaimJob(ctx, []string{"federation.inbox"}, "me", now, now.Add(time.Minute))
		if err != nil || claimed.ID != j.ID {
			t.Fatalf("claim: %+v, %v", claimed, err)
		}
		if c, err := s.JobCounts(ctx); err != nil || c["federation.inbox"][storage.JobRunning] != 1 || len(c["federation.inbox"]) != 1 {
			t.Errorf("jobs: %v, %v", c, err)
		}
	})
}
