package poll

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/core/notify"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/storage"
)

// closeArgs are a CloseKind job's arguments.
type closeArgs struct {
	PollID int64 `json:"poll_id"`
}

// handleClose closes a poll at its end and, in the same transaction,
// notifies its author and its local voters ("poll" notifications). A poll
// closed already, or gone, is left alone, so running the job twice
// notifies once; a poll whose status was deleted closes without notifying.
func (s *Service) handleClose(ctx context.Context, j *job.Job) error {
	var a closeArgs
	if err := j.Decode(&a); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		p, err := tx.PollByID(ctx, a.PollID)
		if errors.Is(err, storage.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("poll: close: %w", err)
		}
		now := time.Now()
		closed, err := tx.ClosePoll(ctx, p.ID, now)
		if err != nil || !closed {
			return err
		}
		p.ClosedAt = &now
		st, err := tx.StatusByID(ctx, p.StatusID)
		if errors.Is(err, storage.ErrNotFound) {
			return nil // deleted: nobody to tell
		}
		if err != nil {
			return fmt.Errorf("poll: close: %w", err)
		}
		author, err := tx.AccountByID(ctx, p.AccountID)
		if err != nil {
			return fmt.Errorf("poll: close: %w", err)
		}
		if author.Local() {
			// The author hears of its own poll's end, which notify.Create
			// (no self-notifications) would not write.
			n := &storage.Notification{AccountID: author.ID, FromAccountID: author.ID, Type: string(notify.Poll), StatusID: &st.ID}
			if err := tx.InsertNotification(ctx, n); err != nil {
				return fmt.Errorf("poll: close: %w", err)
			}
		}
		voterIDs, err := tx.PollVoterIDs(ctx, p.ID)
		if err != nil {
			return fmt.Errorf("poll: close: %w", err)
		}
		voters, err := tx.AccountsByIDs(ctx, voterIDs)
		if err != nil {
			return fmt.Errorf("poll: close: %w", err)
		}
		for _, id := range voterIDs {
			if err := notify.Create(ctx, tx, notify.Poll, voters[id], author.ID, st.ID); err != nil {
				return fmt.Errorf("poll: close: %w", err)
			}
		}
		s.log.InfoContext(ctx, "poll closed", "poll_id", p.ID, "status_id", st.ID, "voters", len(voterIDs))
		if s.pub == nil {
			return nil
		}
		return s.pub.Publish(ctx, tx, outbox.PollClosed{Author: author, Status: st, Poll: p})
	})
}
