package timeline

import (
	"context"
	"fmt"

	"github.com/rounds-md/rounds/storage"
)

// Relation is how the viewer stands to a status: the marks they put on
// it, whether they boosted it, and whether they muted its conversation.
// Pinned is only ever set on the viewer's own statuses.
type Relation struct {
	Favourited, Reblogged, Bookmarked, Muted, Pinned bool
}

// addActivity completes statuses that passed MaySee (whose counts and
// viewer's relation Visible has set): a boost gets the status it boosts,
// or is dropped when viewer may not see that one (or it is gone); every
// status gets its attachments.
func (s *Service) addActivity(ctx context.Context, viewer *storage.Account, sts []Status) ([]Status, error) {
	if len(sts) == 0 {
		return sts, nil
	}
	sts, err := s.resolveBoosts(ctx, viewer, sts)
	if err != nil || len(sts) == 0 {
		return sts, err
	}
	var withMedia []int64
	for _, st := range sts {
		if st.hasMedia {
			withMedia = append(withMedia, st.ID)
		}
	}
	media, err := s.store.MediaForStatuses(ctx, withMedia)
	if err != nil {
		return nil, fmt.Errorf("timeline: %w", err)
	}
	for i := range sts {
		st := &sts[i]
		st.Media = media[st.ID]
		if st.Media == nil {
			st.Media = []storage.MediaAttachment{}
		}
	}
	return sts, nil
}

// resolveBoosts sets Reblog on each boost among sts and drops the boosts
// whose boosted status viewer may not see.
func (s *Service) resolveBoosts(ctx context.Context, viewer *storage.Account, sts []Status) ([]Status, error) {
	var boosted []int64
	for _, st := range sts {
		if st.ReblogOfID != nil {
			boosted = append(boosted, *st.ReblogOfID)
		}
	}
	if len(boosted) == 0 {
		return sts, nil
	}
	rows, err := s.store.StatusesByIDs(ctx, boosted)
	if err != nil {
		return nil, fmt.Errorf("timeline: boosts: %w", err)
	}
	plain := rows[:0]
	for _, r := range rows {
		if r.ReblogOfID == nil { // a boost of a boost is malformed remote data
			plain = append(plain, r)
		}
	}
	originals, err := s.Visible(ctx, viewer, plain)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*Status, len(originals))
	for i := range originals {
		byID[originals[i].ID] = &originals[i]
	}
	kept := make([]Status, 0, len(sts))
	for _, st := range sts {
		if st.ReblogOfID != nil {
			o, ok := byID[*st.ReblogOfID]
			if !ok {
				continue
			}
			st.Reblog = o
		}
		kept = append(kept, st)
	}
	return kept, nil
}

// ConversationOf is the conversation a status belongs to (its own ID for
// a status stored without one).
func ConversationOf(st *storage.Status) int64 {
	if st.ConversationID != nil {
		return *st.ConversationID
	}
	return st.ID
}
