package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Job states. A finished job is deleted, so a row is always waiting,
// running, or discarded after its last attempt.
const (
	JobAvailable = "available"
	JobRunning   = "running"
	JobDiscarded = "discarded"
)

// Job is one unit of background work in the durable queue that core/job
// runs. A running job is leased: LockedBy names the claimer and
// LockedUntil the moment another process may take the job over.
type Job struct {
	bun.BaseModel `bun:"table:jobs"`

	ID          int64      `bun:"id,pk"`
	Kind        string     `bun:"kind,notnull"`
	Key         *string    `bun:"job_key"`
	Args        string     `bun:"args,notnull"`
	Priority    int        `bun:"priority,notnull"`
	State       string     `bun:"state,notnull"`
	Attempt     int        `bun:"attempt,notnull"`
	MaxAttempts int        `bun:"max_attempts,notnull"`
	RunAt       time.Time  `bun:"run_at,notnull"`
	LockedBy    *string    `bun:"locked_by"`
	LockedUntil *time.Time `bun:"locked_until"`
	LastError   *string    `bun:"last_error"`
	CreatedAt   time.Time  `bun:"created_at,notnull"`
	UpdatedAt   time.Time  `bun:"updated_at,notnull"`
}

// EnqueueJob stores a new available job, filling in its ID, state and
// timestamps. Called on a Store from InTx, the job exists only if the
// transaction commits. A live job of the same kind and key is ErrConflict.
func (s *Store) EnqueueJob(ctx context.Context, j *Job) error {
	s.newJob(j)
	if _, err := s.idb.NewInsert().Model(j).Exec(ctx); err != nil {
		return fmt.Errorf("storage: enqueue job %s: %w", j.Kind, classify(err))
	}
	return nil
}

// newJob fills in a new job's ID, state and timestamps.
func (s *Store) newJob(j *Job) {
	now := time.Now().UTC()
	if j.ID == 0 {
		j.ID = s.NewID()
	}
	if j.RunAt.IsZero() {
		j.RunAt = now
	}
	j.RunAt = j.RunAt.UTC()
	j.State, j.Attempt, j.LockedBy, j.LockedUntil = JobAvailable, 0, nil, nil
	j.CreatedAt, j.UpdatedAt = now, now
}

// ClaimJob leases the most urgent runnable job of one of kinds to owner
// until leaseUntil, counting an attempt, and returns it; ErrNotFound when
// none is due. Runnable means available with run_at <= now; the jobs of a
// crashed claimer become available again through RequeueExpiredJobs. Lower
// priority values come first, then earlier run_at.
//
// The claim is one UPDATE ... RETURNING over a sub-select that walks the
// jobs_claim index (state, priority, run_at, id) from its first available
// row, so it costs the same with a million jobs queued as with ten. (A
// claim that also looked for expired leases in the same WHERE, with an OR,
// read and sorted the whole queue: 40 ms with 20,000 deliveries queued.)
// On PostgreSQL the sub-select takes the row with FOR UPDATE SKIP LOCKED,
// so concurrent claimers in several processes never get the same job (it
// is CompleteJobAndClaim's prepared statement, completing nothing); on
// SQLite the statement runs under the database's single write lock.
func (s *Store) ClaimJob(ctx context.Context, kinds []string, owner string, now, leaseUntil time.Time) (*Job, error) {
	if len(kinds) == 0 {
		return nil, fmt.Errorf("storage: claim job: %w", ErrNotFound)
	}
	if s.dialect == Postgres {
		j, _, err := s.completeAndClaimPG(ctx, 0, owner, 0, kinds, now, leaseUntil)
		if err == nil && j == nil {
			err = fmt.Errorf("storage: claim job: %w", ErrNotFound)
		}
		return j, err
	}
	now, leaseUntil = now.UTC(), leaseUntil.UTC()
	j := new(Job)
	err := s.idb.NewRaw(`UPDATE jobs
		SET state = ?, attempt = attempt + 1, locked_by = ?, locked_until = ?, updated_at = ?
		WHERE id = (
			SELECT id FROM jobs
			WHERE state = ? AND run_at <= ? AND kind IN (?)
			ORDER BY priority, run_at, id
			LIMIT 1)
		RETURNING *`,
		JobRunning, owner, leaseUntil, now,
		JobAvailable, now, bun.In(kinds)).Scan(ctx, j)
	if err != nil {
		return nil, fmt.Errorf("storage: claim job: %w", classify(err))
	}
	return j, nil
}

// RefreshJobStats refreshes PostgreSQL's statistics of the jobs table
// (ANALYZE jobs); on SQLite it does nothing. The claim walks the
// jobs_claim index only while the planner knows how many jobs wait: with
// the statistics of an emptier queue (a burst of deliveries or inbox
// activities since the last analysis, or autovacuum off or not yet round)
// PostgreSQL estimates a handful of available jobs and reads and sorts
// every one of them at each claim instead: 130 pages a claim with 500
// jobs queued. SQLite's planner takes the index without statistics.
func (s *Store) RefreshJobStats(ctx context.Context) error {
	if s.dialect != Postgres {
		return nil
	}
	if _, err := s.idb.ExecContext(ctx, `ANALYZE jobs`); err != nil {
		return fmt.Errorf("storage: analyze jobs: %w", classify(err))
	}
	return nil
}

// DiscardStaleJobs discards running jobs whose lease expired on their last
// attempt (their claimer crashed and no attempt is left), and returns how
// many it discarded.
func (s *Store) DiscardStaleJobs(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC()
	res, err := s.idb.NewUpdate().Model((*Job)(nil)).
		Set("state = ?", JobDiscarded).Set("locked_by = NULL").Set("locked_until = NULL").
		Set("last_error = ?", "the lease of the last attempt expired").Set("updated_at = ?", now).
		Where("state = ?", JobRunning).Where("locked_until < ?", now).Where("attempt >= max_attempts").
		Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("storage: discard stale jobs: %w", classify(err))
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// RequeueExpiredJobs makes the running jobs whose lease expired before
// now (their claimer crashed or lost touch) available again when they
// have attempts left, and returns how many. The attempt they were on
// stays counted.
func (s *Store) RequeueExpiredJobs(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC()
	res, err := s.idb.NewUpdate().Model((*Job)(nil)).
		Set("state = ?", JobAvailable).Set("locked_by = NULL").Set("locked_until = NULL").
		Set("last_error = ?", "the lease expired").Set("updated_at = ?", now).
		Where("state = ?", JobRunning).Where("locked_until < ?", now).Where("attempt < max_attempts").
		Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("storage: requeue expired jobs: %w", classify(err))
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// leased narrows an update to the job as claimed by owner on attempt, so
// that a claimer whose lease was taken over cannot change the job.
func leased(q *bun.UpdateQuery, id int64, owner string, attempt int) *bun.UpdateQuery {
	return q.Where("id = ?", id).Where("state = ?", JobRunning).
		Where("locked_by = ?", owner).Where("attempt = ?", attempt)
}

// CompleteJob deletes a job its claimer finished. ErrNotFound means the
// claim was lost (the lease expired and another claimer took the job).
func (s *Store) CompleteJob(ctx context.Context, id int64, owner string, attempt int) error {
	res, err := s.idb.NewDelete().Model((*Job)(nil)).
		Where("id = ?", id).Where("state = ?", JobRunning).
		Where("locked_by = ?", owner).Where("attempt = ?", attempt).Exec(ctx)
	return checkUpdated(res, err, "complete job")
}

// RetryJob makes a failed attempt runnable again at runAt, keeping the error.
func (s *Store) RetryJob(ctx context.Context, id int64, owner string, attempt int, runAt time.Time, errMsg string) error {
	q := s.idb.NewUpdate().Model((*Job)(nil)).
		Set("state = ?", JobAvailable).Set("run_at = ?", runAt.UTC()).
		Set("locked_by = NULL").Set("locked_until = NULL").
		Set("last_error = ?", errMsg).Set("updated_at = ?", time.Now().UTC())
	res, err := leased(q, id, owner, attempt).Exec(ctx)
	return checkUpdated(res, err, "retry job")
}

// DiscardJob gives a job up after its last attempt or a permanent error,
// keeping the row and its error for operators.
func (s *Store) DiscardJob(ctx context.Context, id int64, owner string, attempt int, errMsg string) error {
	q := s.idb.NewUpdate().Model((*Job)(nil)).
		Set("state = ?", JobDiscarded).Set("locked_by = NULL").Set("locked_until = NULL").
		Set("last_error = ?", errMsg).Set("updated_at = ?", time.Now().UTC())
	res, err := leased(q, id, owner, attempt).Exec(ctx)
	return checkUpdated(res, err, "discard job")
}

// ReleaseJob hands a claimed job back unrun (on shutdown), runnable at
// once and without counting the attempt.
func (s *Store) ReleaseJob(ctx context.Context, id int64, owner string, attempt int, now time.Time) error {
	q := s.idb.NewUpdate().Model((*Job)(nil)).
		Set("state = ?", JobAvailable).Set("attempt = attempt - 1").Set("run_at = ?", now.UTC()).
		Set("locked_by = NULL").Set("locked_until = NULL").Set("updated_at = ?", time.Now().UTC())
	res, err := leased(q, id, owner, attempt).Exec(ctx)
	return checkUpdated(res, err, "release job")
}

// ExtendJobLease moves a running job's lease to until. ErrNotFound means
// the claim was lost.
func (s *Store) ExtendJobLease(ctx context.Context, id int64, owner string, attempt int, until time.Time) error {
	q := s.idb.NewUpdate().Model((*Job)(nil)).Set("locked_until = ?", until.UTC())
	res, err := leased(q, id, owner, attempt).Exec(ctx)
	return checkUpdated(res, err, "extend job lease")
}

// JobByID returns the job with that ID; ErrNotFound once it completed.
func (s *Store) JobByID(ctx context.Context, id int64) (*Job, error) {
	j := new(Job)
	if err := s.idb.NewSelect().Model(j).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: job %d: %w", id, classify(err))
	}
	return j, nil
}

// CancelJob deletes the waiting job of kind with key (say, the publication
// of a scheduled status that was deleted). A running job is left to finish;
// ErrNotFound when no waiting job has that key.
func (s *Store) CancelJob(ctx context.Context, kind, key string) error {
	res, err := s.idb.NewDelete().Model((*Job)(nil)).
		Where("kind = ?", kind).Where("job_key = ?", key).Where("state = ?", JobAvailable).Exec(ctx)
	return checkUpdated(res, err, "cancel job")
}

// JobCounts reports how many jobs of each kind are in each state, for
// metrics and tests: counts[kind][state].
func (s *Store) JobCounts(ctx context.Context) (map[string]map[string]int, error) {
	var rows []struct {
		Kind  string `bun:"kind"`
		State string `bun:"state"`
		N     int    `bun:"n"`
	}
	err := s.idb.NewSelect().Model((*Job)(nil)).ColumnExpr("kind, state, count(*) AS n").
		Group("kind", "state").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("storage: job counts: %w", classify(err))
	}
	out := map[string]map[string]int{}
	for _, r := range rows {
		if out[r.Kind] == nil {
			out[r.Kind] = map[string]int{}
		}
		out[r.Kind][r.State] = r.N
	}
	return out, nil
}
