package post

import (
	"context"
	"fmt"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
)

// MaxPins is how many statuses an account may pin to its profile, as in
// Mastodon (the instance document's max_pinned_statuses).
const MaxPins = 5

// Pin pins one of actor's own statuses to actor's profile: public,
// unlisted or private, never a boost or a direct message, and at most
// MaxPins of them (ErrInvalid otherwise, with Mastodon's messages).
// Pinning a pinned status changes nothing.
func (s *Service) Pin(ctx context.Context, actor *storage.Account, id int64) (*timeline.Status, error) {
	st, err := s.timelines.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	switch {
	case st.AccountID != actor.ID:
		return nil, core.Invalid("", "Someone else's post cannot be pinned")
	case st.ReblogOfID != nil:
		return nil, core.Invalid("", "A boost cannot be pinned")
	case st.Visibility == string(visibility.Direct):
		return nil, core.Invalid("", "Posts that are only visible to mentioned users cannot be pinned")
	case st.Mine.Pinned:
		return st, nil
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		n, err := tx.CountMarks(ctx, storage.Pin, actor.ID)
		if err != nil {
			return err
		}
		if n >= MaxPins {
			return core.Invalid("", "You have already pinned the maximum number of posts")
		}
		_, err = tx.AddMark(ctx, storage.Pin, actor.ID, st.ID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("post: pin: %w", err)
	}
	return s.timelines.Get(ctx, actor, st.ID)
}

// Unpin takes a status off actor's profile, if it was pinned there.
func (s *Service) Unpin(ctx context.Context, actor *storage.Account, id int64) (*timeline.Status, error) {
	st, err := s.timelines.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.store.RemoveMark(ctx, storage.Pin, actor.ID, st.ID); err != nil {
		return nil, fmt.Errorf("post: unpin: %w", err)
	}
	return s.timelines.Get(ctx, actor, st.ID)
}
