package timeline

import (
	"context"
	"fmt"
	"slices"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/storage"
)

// Written returns a status its author has just stored, as the author sees
// it, as Get would, from what the writer holds rather than read back: the
// status row as inserted, the accounts it mentions (shown ones, as the
// writer resolved them) and its hashtag names. A new status has no
// replies, favourites, boosts, pins or viewer marks yet, so only the
// author's card and the author's filters are read.
//
// It is for a top-level status without attachments or a poll; for the
// others use Get (a reply's thread may be muted, and attachments and polls
// are read where they are stored). TestCreateAnswersAsGet in core/post
// holds the two to the same result.
func (s *Service) Written(ctx context.Context, author *storage.Account, st storage.Status, mentions []*storage.Account, tags []string) (*Status, error) {
	// Stored mentions and tags come back sorted, once each (StatusFactsOf);
	// the accounts are loaded with the author's card, as Visible does.
	ids := []int64{author.ID}
	for _, m := range mentions {
		ids = append(ids, m.ID)
	}
	mentioned := slices.Compact(slices.Sorted(slices.Values(ids[1:])))
	accts, err := s.profiles.LoadIDs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("timeline: %w", err)
	}
	a, ok := accts[author.ID]
	if !ok { // not shown (suspended), as Visible drops it
		return nil, fmt.Errorf("timeline: status: %w", core.Errorf(core.ErrNotFound, "Record not found"))
	}
	// The author sees their own status; the viewer is the one Visible
	// would decide it with (no ties to oneself, nothing read), so that
	// the author's account renders from it as after Get (AuthorTies).
	v, err := s.Viewer(ctx, author, []int64{author.ID})
	if err != nil {
		return nil, err
	}
	out := []Status{{
		Status: st, Account: a, Mentions: []*storage.Account{}, Tags: slices.Compact(slices.Sorted(slices.Values(tags))),
		Media: []storage.MediaAttachment{}, decidedBy: &v,
	}}
	if out[0].Tags == nil {
		out[0].Tags = []string{}
	}
	for _, id := range mentioned {
		if m, ok := accts[id]; ok {
			out[0].Mentions = append(out[0].Mentions, m.Account)
		}
	}
	if err := s.markFiltered(ctx, author, out); err != nil {
		return nil, err
	}
	return &out[0], nil
}
