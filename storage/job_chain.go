package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// CompleteJobAndClaim completes a job its claimer finished (as CompleteJob)
// and claims the next runnable job of kinds for the same owner (as
// ClaimJob), so that a worker going from one job to the next costs one
// round trip instead of two. completed is false when the finished job's
// claim had been lost; next is nil when no job is due. On PostgreSQL it is
// one statement (the DELETE and the claiming UPDATE as data-modifying
// WITH clauses, the claim with FOR UPDATE SKIP LOCKED); on SQLite one
// transaction.
func (s *Store) CompleteJobAndClaim(ctx context.Context, id int64, owner string, attempt int, kinds []string, now, leaseUntil time.Time) (next *Job, completed bool, err error) {
	if len(kinds) == 0 {
		err := s.CompleteJob(ctx, id, owner, attempt)
		if errors.Is(err, ErrNotFound) {
			return nil, false, nil
		}
		return nil, err == nil, err
	}
	if s.dialect != Postgres {
		err := s.InTx(ctx, func(ctx context.Context, tx *Store) error {
			switch err := tx.CompleteJob(ctx, id, owner, attempt); {
			case err == nil:
				completed = true
			case !errors.Is(err, ErrNotFound):
				return err
			}
			j, err := tx.ClaimJob(ctx, kinds, owner, now, leaseUntil)
			if errors.Is(err, ErrNotFound) {
				return nil
			}
			next = j
			return err
		})
		return next, completed, err
	}
	return s.completeAndClaimPG(ctx, id, owner, attempt, kinds, now, leaseUntil)
}

// completeAndClaimPG is CompleteJobAndClaim on PostgreSQL, and ClaimJob
// there with id 0 (no job has that ID, so none is completed): one
// prepared statement, so that every claim runs on the same generic plan.
func (s *Store) completeAndClaimPG(ctx context.Context, id int64, owner string, attempt int, kinds []string, now, leaseUntil time.Time) (next *Job, completed bool, err error) {
	now, leaseUntil = now.UTC(), leaseUntil.UTC()
	var (
		done                         int
		jid, prio, att, maxAtt       sql.NullInt64
		kind, key, args, state       sql.NullString
		lockedBy, lastErr            sql.NullString
		runAt, lockedUntil, cre, upd sql.NullTime
	)
	rs, err := s.queryFixed(ctx, `WITH done AS (
			DELETE FROM jobs WHERE id = CAST(?0 AS BIGINT) AND state = ?1 AND locked_by = ?2 AND attempt = CAST(?3 AS INTEGER) RETURNING id),
		claimed AS (
			UPDATE jobs SET state = ?4, attempt = attempt + 1, locked_by = ?2, locked_until = ?5, updated_at = ?6
			WHERE id = (
				SELECT id FROM jobs
				WHERE state = ?7 AND run_at <= ?6 AND kind = ANY(CAST(?8 AS TEXT[]))
				ORDER BY priority, run_at, id
				LIMIT 1 FOR UPDATE SKIP LOCKED)
			RETURNING id, kind, job_key, args, priority, state, attempt, max_attempts, run_at, locked_by, locked_until, last_error, created_at, updated_at)
		SELECT (SELECT count(*) FROM done), c.id, c.kind, c.job_key, c.args, c.priority, c.state, c.attempt, c.max_attempts,
			c.run_at, c.locked_by, c.locked_until, c.last_error, c.created_at, c.updated_at
		FROM (SELECT 1) AS one LEFT JOIN claimed AS c ON TRUE`,
		id, JobRunning, owner, attempt, JobRunning, leaseUntil, now, JobAvailable, pgTextArray(kinds))
	if err != nil {
		return nil, false, fmt.Errorf("storage: complete job and claim: %w", classify(err))
	}
	defer rs.Close()
	if !rs.Next() {
		if err := rs.Err(); err != nil {
			return nil, false, fmt.Errorf("storage: complete job and claim: %w", classify(err))
		}
		return nil, false, fmt.Errorf("storage: complete job and claim: no row")
	}
	err = rs.Scan(&done, &jid, &kind, &key, &args, &prio, &state, &att, &maxAtt, &runAt, &lockedBy, &lockedUntil, &lastErr, &cre, &upd)
	if err != nil {
		return nil, false, fmt.Errorf("storage: complete job and claim: %w", classify(err))
	}
	if !jid.Valid {
		return nil, done > 0, nil
	}
	j := &Job{
		ID: jid.Int64, Kind: kind.String, Args: args.String, Priority: int(prio.Int64), State: state.String,
		Attempt: int(att.Int64), MaxAttempts: int(maxAtt.Int64), RunAt: runAt.Time, CreatedAt: cre.Time, UpdatedAt: upd.Time,
	}
	if key.Valid {
		j.Key = &key.String
	}
	if lockedBy.Valid {
		j.LockedBy = &lockedBy.String
	}
	if lockedUntil.Valid {
		j.LockedUntil = &lockedUntil.Time
	}
	if lastErr.Valid {
		j.LastError = &lastErr.String
	}
	return j, done > 0, nil
}
