package job_test

import (
	"context"
	"testing"

	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestEnqueueIfAbsent: with IfAbsent, a second job of the same kind and
// key is skipped without failing the transaction it was asked in (which
// commits its other work); once the first job has run, the key is free.
func TestEnqueueIfAbsent(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		q := newQueue(t, s, newClock(), job.Kind{Name: "test.noop", Handler: noop})
		once := job.Options{Key: "poll-1", IfAbsent: true}
		var first, second, other int64
		err := s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			var err error
			if first, err = q.Enqueue(ctx, tx, "test.noop", nil, once); err != nil {
				return err
			}
			if second, err = q.Enqueue(ctx, tx, "test.noop", nil, once); err != nil {
				return err
			}
			// The transaction still works after the skipped insert.
			other, err = q.Enqueue(ctx, tx, "test.noop", nil, job.Options{})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if first == 0 || second != 0 || other == 0 || countJobs(t, s) != 2 {
			t.Fatalf("ids %d, %d, %d and %d jobs; want the second skipped", first, second, other, countJobs(t, s))
		}
		if n := runDue(t, q); n != 2 {
			t.Fatalf("ran %d jobs, want 2", n)
		}
		if again, err := q.Enqueue(ctx, s, "test.noop", nil, once); err != nil || again == 0 {
			t.Fatalf("after the job ran: %d, %v", again, err)
		}
	})
}
