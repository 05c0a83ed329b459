package post

import (
	"context"
	"fmt"

	"github.com/rounds-md/rounds/storage"
)

// Hook is work stored together with a new status, in its transaction,
// right after the status itself (a poll, the removal of the scheduled
// status being published). An error rolls the status back and is
// returned by Create.
type Hook func(ctx context.Context, tx *storage.Store, st *storage.Status) error

// Check validates a draft as Create would, storing nothing: for drafts
// kept to publish later (scheduled statuses). Create checks again when it
// runs, since what the draft names (a parent, uploads) may change.
func (s *Service) Check(ctx context.Context, author *storage.Account, d Draft) error {
	if _, _, _, err := s.build(ctx, author, d); err != nil {
		return fmt.Errorf("post: check: %w", err)
	}
	if _, err := s.attachments(ctx, author, d.MediaIDs); err != nil {
		return fmt.Errorf("post: check: %w", err)
	}
	return nil
}
