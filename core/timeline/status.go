package timeline

import (
	"context"
	"fmt"
	"slices"

	"github.com/rounds-md/rounds/core/filter"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
)

// Status is a status as a viewer sees it: with its author's profile, the
// accounts it mentions, its hashtags and its reply count.
type Status struct {
	storage.Status
	Account      profile.Account
	Mentions     []*storage.Account
	Tags         []string
	RepliesCount int
	// Filtered are the viewer's active filters the status matches.
	Filtered []filter.Result
	// Reblog is the boosted status, for a boost (ReblogOfID set); the
	// viewer may see it too, or the boost is not shown.
	Reblog *Status
	// Media are its attachments, in order.
	Media []storage.MediaAttachment
	// FavouritesCount and ReblogsCount count its favourites and boosts.
	FavouritesCount, ReblogsCount int
	// Mine is the viewer's own relation to it (zero for anonymous).
	Mine Relation
	// Poll is its poll as the viewer sees it, nil when it has none.
	Poll *Poll

	// hasMedia and hasPoll say whether there is anything to read for
	// Media and Poll (storage.StatusFacts).
	hasMedia, hasPoll bool
	// decidedBy is the viewer Visible decided the status for, with its
	// ties to the author (AuthorTies); nil for a status built elsewhere.
	decidedBy *visibility.Viewer
}

// Service reads statuses for viewers over a Store.
type Service struct {
	store    *storage.Store
	profiles *profile.Service
}

// New returns a Service.
func New(store *storage.Store, profiles *profile.Service) *Service {
	return &Service{store: store, profiles: profiles}
}

// Viewer returns the visibility viewer for acct (nil for anonymous) with
// its relations to the authors.
func (s *Service) Viewer(ctx context.Context, acct *storage.Account, authors []int64) (visibility.Viewer, error) {
	if acct == nil {
		return visibility.Viewer{}, nil
	}
	ties, err := s.store.TiesOf(ctx, acct.ID, authors)
	if err != nil {
		return visibility.Viewer{}, fmt.Errorf("timeline: viewer: %w", err)
	}
	return visibility.Viewer{
		AccountID: acct.ID, Local: acct.Local(),
		Following: ties.Following, BlockedBy: ties.BlockedBy, Blocking: ties.Blocking,
	}, nil
}

// Visible keeps the statuses viewer (nil for anonymous) may see, in their
// order, and hydrates them. Statuses of accounts that are not shown
// (suspended) are dropped too.
func (s *Service) Visible(ctx context.Context, viewer *storage.Account, sts []storage.Status) ([]Status, error) {
	if len(sts) == 0 {
		return []Status{}, nil
	}
	// One array for the three lists of IDs, and the sets of authors and
	// of accounts to load kept as sorted slices, not maps: a page makes
	// them for each reader.
	buf := make([]int64, 3*len(sts))
	ids, convs, authors := buf[:len(sts):len(sts)], buf[len(sts):2*len(sts):2*len(sts)], buf[2*len(sts):]
	for i := range sts {
		st := &sts[i]
		ids[i], convs[i], authors[i] = st.ID, ConversationOf(st), st.AccountID
	}
	authors = uniqueIDs(authors)
	v, err := s.Viewer(ctx, viewer, authors)
	if err != nil {
		return nil, err
	}
	var viewerID int64
	if viewer != nil {
		viewerID = viewer.ID
	}
	facts, err := s.store.StatusFactsOf(ctx, viewerID, ids, convs)
	if err != nil {
		return nil, fmt.Errorf("timeline: %w", err)
	}
	mentions := facts.Mentions
	// kept indexes sts, so that no row is copied before it is known to
	// be shown.
	kept := make([]int, 0, len(sts))
	need := make([]int64, 0, len(authors))
	for i := range sts {
		st := &sts[i]
		p := visibility.Post{AuthorID: st.AccountID, Visibility: visibility.Visibility(st.Visibility), Mentioned: mentions[st.ID]}
		if st.DeletedAt != nil || !visibility.MaySee(v, p) {
			continue
		}
		kept = append(kept, i)
		need = append(need, st.AccountID)
		need = append(need, mentions[st.ID]...)
	}
	if len(kept) == 0 {
		return []Status{}, nil
	}
	accts, err := s.profiles.LoadIDs(ctx, uniqueIDs(need))
	if err != nil {
		return nil, fmt.Errorf("timeline: %w", err)
	}
	out := make([]Status, 0, len(kept))
	for _, i := range kept {
		st := &sts[i]
		author, ok := accts[st.AccountID]
		if !ok {
			continue // suspended or gone
		}
		hs := Status{
			Status: *st, Account: author, Tags: facts.Tags[st.ID], RepliesCount: facts.Replies[st.ID], Mentions: []*storage.Account{},
			hasMedia: facts.HasMedia[st.ID], hasPoll: facts.HasPoll[st.ID], decidedBy: &v,
			FavouritesCount: facts.Favourites[st.ID], ReblogsCount: facts.Reblogs[st.ID],
			Mine: Relation{
				Favourited: facts.Favourited[st.ID], Reblogged: facts.Reblogged[st.ID], Bookmarked: facts.Bookmarked[st.ID],
				Muted:  facts.MutedConversations[ConversationOf(st)],
				Pinned: viewerID != 0 && st.AccountID == viewerID && facts.Pinned[st.ID],
			},
		}
		for _, m := range mentions[st.ID] {
			if a, ok := accts[m]; ok {
				hs.Mentions = append(hs.Mentions, a.Account)
			}
		}
		if hs.Tags == nil {
			hs.Tags = []string{}
		}
		out = append(out, hs)
	}
	if out, err = s.addActivity(ctx, viewer, out); err != nil {
		return nil, err
	}
	if err := s.markFiltered(ctx, viewer, out); err != nil {
		return nil, err
	}
	if err := s.attachPolls(ctx, viewer, out); err != nil {
		return nil, err
	}
	return out, nil
}

// uniqueIDs sorts ids in place and returns them without repeats.
func uniqueIDs(ids []int64) []int64 {
	slices.Sort(ids)
	return slices.Compact(ids)
}
