package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/rounds-md/rounds/storage"
)

// mutesNotifications reports whether recipientID has muted fromID with
// its notifications (mute with notifications=true), now.
func mutesNotifications(ctx context.Context, tx *storage.Store, recipientID, fromID int64) (bool, error) {
	ms, err := tx.MutesAmong(ctx, recipientID, []int64{fromID}, time.Now())
	if err != nil {
		return false, fmt.Errorf("notify: %w", err)
	}
	m, ok := ms[fromID]
	return ok && m.HideNotifications, nil
}

// mutedSenders returns the accounts whose notifications viewer has muted,
// now: their notifications are not listed while the mute lasts.
func (s *Service) mutedSenders(ctx context.Context, viewer *storage.Account) (map[int64]bool, error) {
	ids, err := s.store.MutedIDs(ctx, viewer.ID, time.Now(), true)
	if err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	return ids, nil
}
