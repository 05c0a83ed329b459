package storage

import (
	"context"
	"fmt"
)

// EnqueueJobIfAbsent stores a new available job as EnqueueJob does unless
// a live job of the same kind has its key (j.Key must be set), and reports
// whether it stored it. It never fails the transaction it runs in on that
// conflict (INSERT ... ON CONFLICT DO NOTHING).
func (s *Store) EnqueueJobIfAbsent(ctx context.Context, j *Job) (bool, error) {
	if j.Key == nil {
		return false, fmt.Errorf("storage: enqueue job %s if absent: no key", j.Kind)
	}
	s.newJob(j)
	res, err := s.idb.NewInsert().Model(j).On("CONFLICT (kind, job_key) WHERE job_key IS NOT NULL DO NOTHING").Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("storage: enqueue job %s: %w", j.Kind, classify(err))
	}
	n, err := res.RowsAffected()
	return err == nil && n > 0, err
}
