package timeline

import (
	"context"
	"fmt"
	"time"

	"github.com/rounds-md/rounds/core/filter"
	"github.com/rounds-md/rounds/storage"
)

// markFiltered sets Filtered on each status: the viewer's active filters
// it matches, in every context (clients fold a "warn" match away only in
// the contexts its filter names, as Mastodon's do). Anonymous viewers
// have no filters.
func (s *Service) markFiltered(ctx context.Context, viewer *storage.Account, sts []Status) error {
	if viewer == nil || len(sts) == 0 {
		return nil
	}
	rules, err := filter.Load(ctx, s.store, viewer.ID, time.Now())
	if err != nil {
		return fmt.Errorf("timeline: %w", err)
	}
	if rules.Empty() {
		return nil
	}
	for i := range sts {
		st := &sts[i]
		var boosted int64
		if st.ReblogOfID != nil {
			boosted = *st.ReblogOfID
		}
		st.Filtered = rules.Match(filter.StatusText(st.SpoilerText, st.Content), st.ID, boosted)
	}
	return nil
}

// shownIn keeps the statuses no "hide" filter of the viewer leaves out of
// context c (Filtered is set by Visible).
func shownIn(c filter.Context) func(Status) bool {
	return func(st Status) bool { return !filter.Hidden(st.Filtered, c) }
}

// dropHidden returns sts without the statuses a "hide" filter leaves out
// of context c.
func dropHidden(sts []Status, c filter.Context) []Status {
	out := sts[:0:0]
	for _, st := range sts {
		if !filter.Hidden(st.Filtered, c) {
			out = append(out, st)
		}
	}
	return out
}

// homeKeep is what the home timeline keeps: statuses not hidden by a
// filter, and not by a member of one of the viewer's exclusive lists
// (those go to the list only) unless they mention the viewer.
func (s *Service) homeKeep(ctx context.Context, viewer *storage.Account) (func(Status) bool, error) {
	exclusive, err := s.store.ExclusiveListMembers(ctx, viewer.ID)
	if err != nil {
		return nil, fmt.Errorf("timeline: home: %w", err)
	}
	shown := shownIn(filter.Home)
	return func(st Status) bool {
		if !shown(st) {
			return false
		}
		if st.AccountID == viewer.ID || !exclusive[st.AccountID] {
			return true
		}
		for _, m := range st.Mentions {
			if m.ID == viewer.ID {
				return true
			}
		}
		return false
	}, nil
}
