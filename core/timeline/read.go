package timeline

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/filter"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
)

// Result is a page of statuses with the cursors for the next (older) and
// previous (newer) pages: the IDs of the oldest and newest rows read,
// zero when nothing was read.
type Result struct {
	Statuses []Status
	// Next is the max_id of the next page, Prev the min_id of the previous.
	Next, Prev int64
}

// maxRounds bounds how many times a page is refilled when visibility rules
// hid rows of it.
const maxRounds = 3

// collect reads pages through fetch, keeps what viewer may see (and what
// keep allows), and refills a short page while older rows remain.
func (s *Service) collect(ctx context.Context, viewer *storage.Account, p storage.Page, fetch func(storage.Page) ([]storage.Status, error), keep func(Status) bool) (Result, error) {
	res := Result{Statuses: []Status{}}
	limit := p.Limit
	if limit <= 0 {
		limit = 20
	}
	for round := 0; round < maxRounds; round++ {
		rows, err := fetch(p)
		if err != nil {
			return res, err
		}
		if len(rows) == 0 {
			break
		}
		if res.Prev == 0 {
			res.Prev = rows[0].ID
		}
		res.Next = rows[len(rows)-1].ID
		vis, err := s.Visible(ctx, viewer, rows)
		if err != nil {
			return res, err
		}
		if keep != nil {
			// vis is this call's own slice: filtering it in place spares
			// a copy of each Status (over 400 bytes).
			vis = slices.DeleteFunc(vis, func(st Status) bool { return !keep(st) })
		}
		if len(res.Statuses) == 0 {
			res.Statuses = vis
		} else {
			res.Statuses = append(res.Statuses, vis...)
		}
		// Only plain and max_id paging can continue downwards.
		if len(res.Statuses) >= limit || len(rows) < limit || p.MinID > 0 || p.SinceID > 0 {
			break
		}
		p.MaxID = res.Next
	}
	if len(res.Statuses) > limit {
		// The next page starts after the last status returned, not after
		// the last row read, or the rows in between would be skipped.
		res.Statuses = res.Statuses[:limit]
		res.Next = res.Statuses[limit-1].ID
	}
	return res, nil
}

// Home reads a page of viewer's home feed.
func (s *Service) Home(ctx context.Context, viewer *storage.Account, p storage.Page) (Result, error) {
	if viewer == nil {
		return Result{}, fmt.Errorf("timeline: home: %w", core.ErrUnauthorized)
	}
	keep, err := s.homeKeep(ctx, viewer)
	if err != nil {
		return Result{}, err
	}
	if keep, err = s.unmuted(ctx, viewer, keep); err != nil {
		return Result{}, err
	}
	res, err := s.collect(ctx, viewer, p, func(p storage.Page) ([]storage.Status, error) {
		return s.store.HomeStatuses(ctx, viewer.ID, p)
	}, keep)
	if err != nil {
		return res, fmt.Errorf("timeline: home: %w", err)
	}
	return res, nil
}

// Public reads a page of the public timeline (local, remote or both).
// Only public statuses appear; unlisted never do.
func (s *Service) Public(ctx context.Context, viewer *storage.Account, f storage.PublicFilter, p storage.Page) (Result, error) {
	keep, err := s.unmuted(ctx, viewer, func(st Status) bool {
		return visibility.Listed(visibility.Post{AuthorID: st.AccountID, Visibility: visibility.Visibility(st.Visibility)}) &&
			!filter.Hidden(st.Filtered, filter.Public)
	})
	if err != nil {
		return Result{}, err
	}
	res, err := s.collect(ctx, viewer, p, func(p storage.Page) ([]storage.Status, error) {
		return s.store.PublicStatuses(ctx, f, p)
	}, keep)
	if err != nil {
		return res, fmt.Errorf("timeline: public: %w", err)
	}
	return res, nil
}

// AccountFilter narrows Account.
type AccountFilter struct {
	ExcludeReplies bool
	ExcludeReblogs bool
	OnlyMedia      bool
	// Pinned asks for the account's pinned statuses only.
	Pinned bool
	Tagged string
}

// Account reads a page of an account's statuses as viewer sees them:
// strangers public and unlisted ones, followers private ones too, the
// author everything including direct. ErrNotFound for an account that is
// not shown.
func (s *Service) Account(ctx context.Context, viewer *storage.Account, accountID int64, f AccountFilter, p storage.Page) (Result, error) {
	if _, err := s.profiles.Get(ctx, accountID); err != nil {
		return Result{}, fmt.Errorf("timeline: account: %w", err)
	}
	if f.Pinned {
		return s.pinned(ctx, viewer, accountID, p)
	}
	vis := []string{string(visibility.Public), string(visibility.Unlisted)}
	if viewer != nil {
		if viewer.ID == accountID {
			vis = append(vis, string(visibility.Private), string(visibility.Direct))
		} else if _, err := s.store.FollowBetween(ctx, viewer.ID, accountID); err == nil {
			vis = append(vis, string(visibility.Private))
		} else if !errors.Is(err, storage.ErrNotFound) {
			return Result{}, fmt.Errorf("timeline: account: %w", err)
		}
	}
	sf := storage.AccountStatusFilter{Visibilities: vis, ExcludeReplies: f.ExcludeReplies, ExcludeReblogs: f.ExcludeReblogs, OnlyMedia: f.OnlyMedia, Tagged: f.Tagged}
	res, err := s.collect(ctx, viewer, p, func(p storage.Page) ([]storage.Status, error) {
		return s.store.AccountStatuses(ctx, accountID, sf, p)
	}, shownIn(filter.Account))
	if err != nil {
		return res, fmt.Errorf("timeline: account: %w", err)
	}
	return res, nil
}

// Get returns the status with that ID if viewer may see it; ErrNotFound
// (never "forbidden") otherwise, so that existence is not revealed.
func (s *Service) Get(ctx context.Context, viewer *storage.Account, id int64) (*Status, error) {
	st, err := s.store.StatusByID(ctx, id)
	if err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return nil, fmt.Errorf("timeline: status: %w", core.Errorf(core.ErrNotFound, "Record not found"))
		}
		return nil, fmt.Errorf("timeline: status: %w", err)
	}
	vis, err := s.Visible(ctx, viewer, []storage.Status{*st})
	if err != nil {
		return nil, err
	}
	if len(vis) == 0 {
		return nil, fmt.Errorf("timeline: status: %w", core.Errorf(core.ErrNotFound, "Record not found"))
	}
	return &vis[0], nil
}

// Context is a status's thread around it.
type Context struct {
	// Ancestors run from the thread's root down to the parent.
	Ancestors []Status
	// Descendants are the replies below, in thread (depth-first) order.
	Descendants []Status
}

// Thread limits: how far up and how many below a status are read.
const (
	maxAncestors   = 40
	maxDescendants = 4096
)

// Thread returns the visible ancestors and descendants of a status viewer
// may see; ErrNotFound otherwise.
func (s *Service) Thread(ctx context.Context, viewer *storage.Account, id int64) (Context, error) {
	out := Context{Ancestors: []Status{}, Descendants: []Status{}}
	if _, err := s.Get(ctx, viewer, id); err != nil {
		return out, err
	}
	upIDs, err := s.store.AncestorIDs(ctx, id, maxAncestors)
	if err != nil {
		return out, fmt.Errorf("timeline: thread: %w", err)
	}
	up, err := s.loadOrdered(ctx, viewer, upIDs)
	if err != nil {
		return out, err
	}
	slices.Reverse(up)
	out.Ancestors = dropHidden(up, filter.Thread)
	downIDs, err := s.store.DescendantIDs(ctx, id, maxDescendants)
	if err != nil {
		return out, fmt.Errorf("timeline: thread: %w", err)
	}
	rows, err := s.store.StatusesByIDs(ctx, downIDs)
	if err != nil {
		return out, fmt.Errorf("timeline: thread: %w", err)
	}
	children := map[int64][]storage.Status{}
	for _, r := range rows {
		if r.InReplyToID != nil {
			children[*r.InReplyToID] = append(children[*r.InReplyToID], r)
		}
	}
	var ordered []storage.Status
	seen := map[int64]bool{id: true} // remote data could loop
	var walk func(parent int64)
	walk = func(parent int64) {
		kids := children[parent]
		slices.SortFunc(kids, func(a, b storage.Status) int { return int(sign(a.ID - b.ID)) })
		for _, k := range kids {
			if seen[k.ID] {
				continue
			}
			seen[k.ID] = true
			ordered = append(ordered, k)
			walk(k.ID)
		}
	}
	walk(id)
	down, err := s.Visible(ctx, viewer, ordered)
	if err != nil {
		return out, err
	}
	out.Descendants = dropHidden(down, filter.Thread)
	return out, nil
}

func sign(n int64) int64 {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// loadOrdered loads the statuses with ids, keeps the visible ones, in the
// order of ids.
func (s *Service) loadOrdered(ctx context.Context, viewer *storage.Account, ids []int64) ([]Status, error) {
	rows, err := s.store.StatusesByIDs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("timeline: %w", err)
	}
	byID := map[int64]storage.Status{}
	for _, r := range rows {
		byID[r.ID] = r
	}
	ordered := make([]storage.Status, 0, len(rows))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			ordered = append(ordered, r)
		}
	}
	return s.Visible(ctx, viewer, ordered)
}
