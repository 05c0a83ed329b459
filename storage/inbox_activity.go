package storage

import (
	"context"
	"fmt"
	"time"
)

// RecordInboxActivity notes that the activity with that id was received,
// and reports whether it is new: false means a replay, to be accepted and
// ignored. Call it in the transaction that enqueues the activity's work.
func (s *Store) RecordInboxActivity(ctx context.Context, activityID string, now time.Time) (bool, error) {
	res, err := s.idb.NewRaw(`INSERT INTO inbox_activities (activity_id, received_at) VALUES (?, ?) ON CONFLICT DO NOTHING`,
		activityID, now.UTC()).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("storage: record inbox activity: %w", classify(err))
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// RecordInboxActivityWithJob notes that the activity with that id was
// received and, if it is new, enqueues j (see EnqueueJob) to process it,
// atomically; it reports whether the activity was new. On PostgreSQL it
// is one statement, a data-modifying WITH, so an inbox POST costs one
// round trip here instead of four (BEGIN, two INSERTs, COMMIT); on SQLite
// it is a transaction.
func (s *Store) RecordInboxActivityWithJob(ctx context.Context, activityID string, now time.Time, j *Job) (bool, error) {
	if s.dialect != Postgres {
		fresh := false
		err := s.InTx(ctx, func(ctx context.Context, tx *Store) error {
			var err error
			if fresh, err = tx.RecordInboxActivity(ctx, activityID, now); err != nil || !fresh {
				return err
			}
			return tx.EnqueueJob(ctx, j)
		})
		return fresh, err
	}
	s.newJob(j)
	res, err := s.execFixed(ctx, `WITH fresh AS (
			INSERT INTO inbox_activities (activity_id, received_at) VALUES (?0, ?1) ON CONFLICT DO NOTHING RETURNING activity_id)
		INSERT INTO jobs (id, kind, job_key, args, priority, state, attempt, max_attempts, run_at, created_at, updated_at)
		SELECT CAST(?2 AS BIGINT), CAST(?3 AS TEXT), CAST(?4 AS TEXT), CAST(?5 AS TEXT), CAST(?6 AS INTEGER), CAST(?7 AS TEXT), 0,
			CAST(?8 AS INTEGER), CAST(?9 AS TIMESTAMPTZ), CAST(?10 AS TIMESTAMPTZ), CAST(?11 AS TIMESTAMPTZ) FROM fresh`,
		activityID, now.UTC(),
		j.ID, j.Kind, j.Key, j.Args, j.Priority, j.State, j.MaxAttempts, j.RunAt.UTC(), j.CreatedAt.UTC(), j.UpdatedAt.UTC())
	if err != nil {
		return false, fmt.Errorf("storage: record inbox activity: %w", classify(err))
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// PruneInboxActivities forgets activity ids received before cutoff and
// returns how many it removed. Replays older than that are caught by the
// unique status URIs instead.
func (s *Store) PruneInboxActivities(ctx context.Context, cutoff time.Time) (int, error) {
	res, err := s.idb.NewRaw(`DELETE FROM inbox_activities WHERE received_at < ?`, cutoff.UTC()).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("storage: prune inbox activities: %w", classify(err))
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
