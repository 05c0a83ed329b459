package timeline

import (
	"context"
	"fmt"
	"time"

	"github.com/rounds-md/rounds/storage"
)

// Poll is a status's poll as a viewer sees it.
type Poll struct {
	*storage.Poll
	// Expired is whether voting is over.
	Expired bool
	// ShowTotals is whether the option tallies may be shown to the
	// viewer: the poll does not hide them, it is over, or it is the
	// viewer's own.
	ShowTotals bool
	// Voted and OwnVotes are the viewer's vote: whether it voted (its own
	// poll counts as voted, as on Mastodon) and the options it chose.
	Voted    bool
	OwnVotes []int
}

// ViewPoll is how viewer (nil for anonymous) sees p at now, given the
// options it chose (nil when it did not vote).
func ViewPoll(p *storage.Poll, viewer *storage.Account, choices []int, now time.Time) *Poll {
	own := viewer != nil && viewer.ID == p.AccountID
	v := &Poll{Poll: p, Expired: p.Expired(now), OwnVotes: []int{}}
	v.ShowTotals = !p.HideTotals || v.Expired || own
	if viewer != nil {
		v.Voted = own || choices != nil
		if choices != nil {
			v.OwnVotes = choices
		}
	}
	return v
}

// attachPolls sets Poll on the statuses that have one, as viewer sees it.
func (s *Service) attachPolls(ctx context.Context, viewer *storage.Account, sts []Status) error {
	if len(sts) == 0 {
		return nil
	}
	var ids []int64
	for _, st := range sts {
		if st.hasPoll {
			ids = append(ids, st.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	polls, err := s.store.PollsForStatuses(ctx, ids)
	if err != nil || len(polls) == 0 {
		return err
	}
	var viewerID int64
	if viewer != nil {
		viewerID = viewer.ID
	}
	pollIDs := make([]int64, 0, len(polls))
	for _, p := range polls {
		pollIDs = append(pollIDs, p.ID)
	}
	choices, err := s.store.PollChoices(ctx, viewerID, pollIDs)
	if err != nil {
		return fmt.Errorf("timeline: polls: %w", err)
	}
	now := time.Now()
	for i := range sts {
		if p, ok := polls[sts[i].ID]; ok {
			sts[i].Poll = ViewPoll(p, viewer, choices[p.ID], now)
		}
	}
	return nil
}
