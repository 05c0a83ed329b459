package schedule

import (
	"context"
	"errors"
	"fmt"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/storage"
)

// publishArgs are a PublishKind job's arguments: the scheduled status and
// the revision the job was enqueued for.
type publishArgs struct {
	ID       int64 `json:"id"`
	Revision int   `json:"revision"`
}

// errTaken stops a publication whose scheduled status is gone or was
// moved: cancelled, rescheduled, or published by an earlier run.
var errTaken = errors.New("schedule: scheduled status taken")

// handlePublish publishes a scheduled status through post.Create. The
// scheduled status is deleted in the new status's transaction (only the
// revision the job was enqueued for), so the status exists exactly when
// the scheduled status does not. A draft that no longer passes (its
// parent or uploads gone, the author suspended) is dropped.
func (s *Service) handlePublish(ctx context.Context, j *job.Job) error {
	var a publishArgs
	if err := j.Decode(&a); err != nil {
		return err
	}
	ss, err := s.store.ScheduledStatusByID(ctx, a.ID)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && ss.Revision != a.Revision) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("schedule: publish: %w", err)
	}
	sc, err := fromRow(ss)
	if err != nil {
		return job.Permanent(fmt.Errorf("schedule: publish: %w", err))
	}
	author, err := s.store.AccountByID(ctx, ss.AccountID)
	if err != nil {
		return fmt.Errorf("schedule: publish: %w", err)
	}
	if !profile.Shown(author) || !author.Local() {
		return s.drop(ctx, ss, "author not shown")
	}
	d := sc.Draft
	d.IdempotencyKey = "" // the scheduled status's removal makes publishing once
	if sc.Poll != nil {
		if err := s.polls.Attach(&d, *sc.Poll); err != nil {
			return s.drop(ctx, ss, "poll no longer valid")
		}
	}
	d.Hooks = append(d.Hooks, func(ctx context.Context, tx *storage.Store, _ *storage.Status) error {
		err := tx.DeleteScheduledStatus(ctx, ss.AccountID, ss.ID, a.Revision)
		if errors.Is(err, storage.ErrNotFound) {
			return errTaken
		}
		return err
	})
	st, err := s.posts.Create(ctx, author, d)
	switch {
	case errors.Is(err, errTaken):
		return nil
	case errors.Is(err, core.ErrInvalid), errors.Is(err, core.ErrNotFound):
		return s.drop(ctx, ss, "draft no longer valid")
	case err != nil:
		return fmt.Errorf("schedule: publish: %w", err)
	}
	s.log.InfoContext(ctx, "scheduled status published", "scheduled_status_id", ss.ID, "status_id", st.ID, "account_id", author.ID)
	return nil
}

// drop deletes a scheduled status that cannot be published.
func (s *Service) drop(ctx context.Context, ss *storage.ScheduledStatus, why string) error {
	err := s.store.DeleteScheduledStatus(ctx, ss.AccountID, ss.ID, ss.Revision)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("schedule: drop: %w", err)
	}
	s.log.WarnContext(ctx, "scheduled status dropped", "scheduled_status_id", ss.ID, "account_id", ss.AccountID, "reason", why)
	return nil
}
