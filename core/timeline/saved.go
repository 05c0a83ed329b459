package timeline

import (
	"context"
	"fmt"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/filter"
	"github.com/rounds-md/rounds/storage"
)

// Marked reads a page of the statuses viewer favourited or bookmarked (m),
// newest mark first. The cursors are the marks' own IDs, as Mastodon's
// are; statuses viewer may no longer see are left out.
func (s *Service) Marked(ctx context.Context, viewer *storage.Account, m storage.Mark, p storage.Page) (Result, error) {
	res := Result{Statuses: []Status{}}
	if viewer == nil {
		return res, fmt.Errorf("timeline: %s: %w", m, core.ErrUnauthorized)
	}
	limit := p.Limit
	if limit <= 0 {
		limit = 20
	}
	// Each round reads only as many rows as the page still lacks, so that
	// the cursor never skips a row that was read but not returned.
	for round := 0; round < maxRounds; round++ {
		p.Limit = limit - len(res.Statuses)
		rows, err := s.store.MarkedStatuses(ctx, m, viewer.ID, p)
		if err != nil {
			return res, fmt.Errorf("timeline: %s: %w", m, err)
		}
		if len(rows) == 0 {
			break
		}
		if res.Prev == 0 {
			res.Prev = rows[0].Cursor
		}
		res.Next = rows[len(rows)-1].Cursor
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.StatusID
		}
		vis, err := s.loadOrdered(ctx, viewer, ids)
		if err != nil {
			return res, err
		}
		res.Statuses = append(res.Statuses, vis...)
		if len(res.Statuses) >= limit || len(rows) < p.Limit || p.MinID > 0 || p.SinceID > 0 {
			break
		}
		p.MaxID = res.Next
	}
	return res, nil
}

// pinned reads the statuses an account pinned that viewer may see, newest
// first, paged by status ID.
func (s *Service) pinned(ctx context.Context, viewer *storage.Account, accountID int64, p storage.Page) (Result, error) {
	res := Result{Statuses: []Status{}}
	rows, err := s.store.PinnedStatuses(ctx, accountID, p)
	if err != nil {
		return res, fmt.Errorf("timeline: pinned: %w", err)
	}
	if len(rows) == 0 {
		return res, nil
	}
	res.Prev, res.Next = rows[0].ID, rows[len(rows)-1].ID
	vis, err := s.Visible(ctx, viewer, rows)
	if err != nil {
		return res, err
	}
	res.Statuses = dropHidden(vis, filter.Account)
	return res, nil
}
