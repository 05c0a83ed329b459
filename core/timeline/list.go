package timeline

import (
	"context"
	"fmt"

	"github.com/rounds-md/rounds/core/filter"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
)

// List reads a page of a list's timeline for its owner: statuses by the
// list's members that reach followers (public, unlisted, private; never
// direct), with replies kept by the list's replies policy, each of them
// one the owner may see, without those the owner's filters hide from home
// and lists. The caller has checked that owner owns l.
func (s *Service) List(ctx context.Context, owner *storage.Account, l *storage.List, p storage.Page) (Result, error) {
	keep, err := s.unmuted(ctx, owner, shownIn(filter.Home))
	if err != nil {
		return Result{}, err
	}
	res, err := s.collect(ctx, owner, p, func(p storage.Page) ([]storage.Status, error) {
		return s.store.ListStatuses(ctx, l, visibility.FollowerVisibilities(), p)
	}, keep)
	if err != nil {
		return res, fmt.Errorf("timeline: list: %w", err)
	}
	return res, nil
}
