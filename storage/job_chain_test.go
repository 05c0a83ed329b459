package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestCompleteJobAndClaim: completing a job claims the next runnable one
// of the kinds asked for, in the claim order, for the same owner; a lost
// claim is reported and does not stop the next claim; with nothing due,
// the job is completed and nothing claimed.
func TestCompleteJobAndClaim(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Millisecond)
		lease := now.Add(time.Minute)
		enqueue := func(kind string, prio int, runAt time.Time) *storage.Job {
			t.Helper()
			j := &storage.Job{Kind: kind, Args: `{}`, Priority: prio, MaxAttempts: 3, RunAt: runAt}
			if err := s.EnqueueJob(ctx, j); err != nil {
				t.Fatal(err)
			}
			return j
		}
		first := enqueue("a", 1, now.Add(-time.Second))
		other := enqueue("b", 1, now.Add(-time.Second)) // another kind: not asked for
		later := enqueue("a", 2, now.Add(-time.Second))
		enqueue("a", 1, now.Add(time.Hour)) // not due

		claimed, err := s.ClaimJob(ctx, []string{"a"}, "w", now, lease)
		if err != nil || claimed.ID != first.ID {
			t.Fatalf("claim: %+v, %v", claimed, err)
		}
		next, completed, err := s.CompleteJobAndClaim(ctx, first.ID, "w", 1, []string{"a"}, now, lease)
		if err != nil || !completed || next == nil || next.ID != later.ID {
			t.Fatalf("complete and claim: next %+v, completed %v, %v", next, completed, err)
		}
		if next.State != storage.JobRunning || next.Attempt != 1 || next.LockedBy == nil || *next.LockedBy != "w" ||
			next.LockedUntil == nil || !next.LockedUntil.Equal(lease) || next.Kind != "a" || next.Args != `{}` || next.MaxAttempts != 3 {
			t.Errorf("next job: %+v", next)
		}
		if _, err := s.JobByID(ctx, first.ID); err == nil {
			t.Error("the completed job is still there")
		}

		// A lost claim (wrong attempt): reported, and nothing due is left
		// of kind a.
		next2, completed, err := s.CompleteJobAndClaim(ctx, later.ID, "w", 7, []string{"a"}, now, lease)
		if err != nil || completed || next2 != nil {
			t.Fatalf("lost claim: next %+v, completed %v, %v", next2, completed, err)
		}
		next2, completed, err = s.CompleteJobAndClaim(ctx, later.ID, "w", 1, []string{"a"}, now, lease)
		if err != nil || !completed || next2 != nil {
			t.Fatalf("last one: next %+v, completed %v, %v", next2, completed, err)
		}
		if j, err := s.JobByID(ctx, other.ID); err != nil || j.State != storage.JobAvailable {
			t.Errorf("the job of another kind: %+v, %v", j, err)
		}
	})
}
