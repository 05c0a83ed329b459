package media

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/storage"
)

// CleanupKind is the job kind that deletes stale uploads (DeleteStale).
// One job waits for each hour; each, when it runs, queues the next.
const CleanupKind = "media.cleanup"

// DefaultUnattachedGrace is how long an upload may stay attached to no
// status before it is deleted, as Mastodon keeps one: a day.
const DefaultUnattachedGrace = 24 * time.Hour

// CleanupInterval is how often the clean-up runs.
const CleanupInterval = time.Hour

// cleanupBatch is how many attachments one statement deletes.
const cleanupBatch = 100

// registerCleanup registers the clean-up job kind with jobs.
func (s *Service) registerCleanup(jobs *job.Queue) error {
	return jobs.Register(job.Kind{
		Name: CleanupKind, Handler: s.handleCleanup, MaxAttempts: 3, Concurrency: 1,
		Priority: job.PriorityBulk, Backoff: job.Exponential(time.Minute, 10*time.Minute),
	})
}

// cleanupArgs are the arguments of a CleanupKind job: the hour it is for.
type cleanupArgs struct {
	At time.Time `json:"at"`
}

// ScheduleCleanup makes sure a clean-up job waits for the next hour; call
// it once the schema is current (rounds serve does). Several processes
// calling it queue one job between them: the job's key is its hour.
func (s *Service) ScheduleCleanup(ctx context.Context) error {
	return s.scheduleCleanup(ctx, nextHour(time.Now()))
}

// nextHour is the first whole hour after t.
func nextHour(t time.Time) time.Time { return t.UTC().Truncate(CleanupInterval).Add(CleanupInterval) }

// scheduleCleanup queues the clean-up of the hour at, unless it is queued
// already.
func (s *Service) scheduleCleanup(ctx context.Context, at time.Time) error {
	_, err := s.jobs.Enqueue(ctx, s.store, CleanupKind, cleanupArgs{At: at},
		job.Options{RunAt: at, Key: at.Format(time.RFC3339)})
	if err != nil && !errors.Is(err, storage.ErrConflict) {
		return fmt.Errorf("media: schedule clean-up: %w", err)
	}
	return nil
}

// handleCleanup queues the next clean-up first (so that a failure here
// does not end the chain): the hour after this one's, or after now if
// this one ran late. Then it deletes what has been unattached for longer
// than Config.UnattachedGrace.
func (s *Service) handleCleanup(ctx context.Context, j *job.Job) error {
	var a cleanupArgs
	if err := j.Decode(&a); err != nil {
		return err
	}
	now := time.Now()
	next := a.At.Add(CleanupInterval)
	if late := nextHour(now); late.After(next) {
		next = late
	}
	if err := s.scheduleCleanup(ctx, next); err != nil {
		return err
	}
	n, err := s.DeleteStale(ctx, now.Add(-s.cfg.UnattachedGrace))
	if n > 0 {
		s.log.InfoContext(ctx, "media: deleted unattached uploads", "count", n)
	}
	return err
}

// DeleteStale deletes, rows and files, the uploads unchanged since before
// that are attached to no status and used by nothing else: never an
// account's avatar or header, never an upload a scheduled status names
// (storage.Store.DeleteStaleMedia). It returns how many it deleted.
func (s *Service) DeleteStale(ctx context.Context, before time.Time) (int, error) {
	total := 0
	for {
		gone, err := s.store.DeleteStaleMedia(ctx, before, cleanupBatch)
		if err != nil {
			return total, fmt.Errorf("media: delete stale: %w", err)
		}
		for i := range gone {
			s.removeFiles(ctx, &gone[i])
		}
		total += len(gone)
		if len(gone) < cleanupBatch || ctx.Err() != nil {
			return total, ctx.Err()
		}
	}
}
