package timeline

import (
	"context"
	"fmt"
	"time"

	"github.com/rounds-md/rounds/storage"
)

// unmuted narrows keep (nil: keep all) for the home, list, public and
// hashtag timelines: statuses by accounts viewer mutes leave them, and so
// do boosts of such statuses and boosts by muted accounts. An account's
// own page and a status's thread still show them, as on Mastodon.
func (s *Service) unmuted(ctx context.Context, viewer *storage.Account, keep func(Status) bool) (func(Status) bool, error) {
	if viewer == nil {
		return keep, nil
	}
	muted, err := s.store.MutedIDs(ctx, viewer.ID, time.Now(), false)
	if err != nil {
		return nil, fmt.Errorf("timeline: mutes: %w", err)
	}
	if len(muted) == 0 {
		return keep, nil
	}
	return func(st Status) bool {
		if muted[st.AccountID] || (st.Reblog != nil && muted[st.Reblog.AccountID]) {
			return false
		}
		return keep == nil || keep(st)
	}, nil
}
