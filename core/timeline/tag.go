package timeline

import (
	"context"
	"fmt"

	"github.com/rounds-md/rounds/core/filter"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
)

// Tagged reads a page of a hashtag timeline: public statuses only (never
// unlisted, private or direct, as on Mastodon), each of them one viewer
// may see, without those the viewer's filters hide from public timelines.
func (s *Service) Tagged(ctx context.Context, viewer *storage.Account, f storage.TagFilter, p storage.Page) (Result, error) {
	shown := shownIn(filter.Public)
	keep, err := s.unmuted(ctx, viewer, func(st Status) bool {
		return visibility.Listed(visibility.Post{AuthorID: st.AccountID, Visibility: visibility.Visibility(st.Visibility)}) && shown(st)
	})
	if err != nil {
		return Result{}, err
	}
	res, err := s.collect(ctx, viewer, p, func(p storage.Page) ([]storage.Status, error) {
		return s.store.TaggedStatuses(ctx, f, p)
	}, keep)
	if err != nil {
		return res, fmt.Errorf("timeline: tag: %w", err)
	}
	return res, nil
}
