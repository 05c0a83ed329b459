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
		// A boost is matched by what it boosts (Mastodon's status.proper).
		proper, boosted := st, int64(0)
		if st.Reblog != nil {
			proper, boosted = st.Reblog, st.Reblog.ID
		}
		st.Filtered = rules.Match(matchText(proper), st.ID, boosted)
	}
	return nil
}

// matchText is what keywords are matched against: the content warning,
// the text, and the media descriptions.
func matchText(st *Status) string {
	text := filter.StatusText(st.SpoilerText, st.Content)
	for _, m := range st.Media {
		if m.Description != nil && *m.Description != "" {
			text += "\n\n" + *m.Description
		}
	}
	return text
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
