package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/rounds-md/rounds/storage"
)

// mutedSenders returns the accounts whose notifications viewer has muted,
// now: their notifications are not listed while the mute lasts.
func (s *Service) mutedSenders(ctx context.Context, viewer *storage.Account) (map[int64]bool, error) {
	ids, err := s.store.MutedIDs(ctx, viewer.ID, time.Now(), true)
	if err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	return ids, nil
}
