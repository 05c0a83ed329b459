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
