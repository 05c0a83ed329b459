package post

import (
	"context"
	"errors"
	"fmt"

	"github.com/rounds-md/rounds/core/follow"
	"github.com/rounds-md/rounds/core/notify"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/storage"
)

// actionable returns the status actor acts on when naming id: the status
// itself, or the status it boosts. ErrNotFound unless actor may see both.
func (s *Service) actionable(ctx context.Context, actor *storage.Account, id int64) (*timeline.Status, error) {
	st, err := s.timelines.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if st.Reblog != nil {
		return st.Reblog, nil
	}
	return st, nil
}

// unboosted maps the ID of a boost to the ID of the status it boosts; any
// other ID is returned as it is. Used by the undo actions, which act on
// the actor's own marks whatever the actor may still see.
func (s *Service) unboosted(ctx context.Context, id int64) int64 {
	if st, err := s.store.StatusByID(ctx, id); err == nil && st.ReblogOfID != nil {
		return *st.ReblogOfID
	}
	return id
}

// Favourite marks a status actor may see as a favourite and notifies its
// author (unless it is actor's own, or the author muted the thread).
// Favouriting again changes nothing. A boost stands for the status it
// boosts.
func (s *Service) Favourite(ctx context.Context, actor *storage.Account, id int64) (*timeline.Status, error) {
	st, err := s.actionable(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		added, err := tx.AddMark(ctx, storage.Favourite, actor.ID, st.ID)
		if err != nil || !added {
			return err
		}
		if err := notify.Create(ctx, tx, notify.Favourite, st.Account.Account, actor.ID, st.ID); err != nil {
			return err
		}
		return s.publish(ctx, tx, outbox.Favourited{Account: actor, Author: st.Account.Account, Status: &st.Status})
	})
	if err != nil {
		return nil, fmt.Errorf("post: favourite: %w", err)
	}
	return s.timelines.Get(ctx, actor, st.ID)
}

// Unfavourite removes actor's favourite of a status, and the notification
// it caused. Without one it changes nothing; either way the status is
// returned if actor may see it.
func (s *Service) Unfavourite(ctx context.Context, actor *storage.Account, id int64) (*timeline.Status, error) {
	return s.unmark(ctx, actor, storage.Favourite, id)
}

// Bookmark saves a status actor may see to actor's bookmarks (again:
// no change). A boost stands for the status it boosts.
func (s *Service) Bookmark(ctx context.Context, actor *storage.Account, id int64) (*timeline.Status, error) {
	st, err := s.actionable(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.store.AddMark(ctx, storage.Bookmark, actor.ID, st.ID); err != nil {
		return nil, fmt.Errorf("post: bookmark: %w", err)
	}
	return s.timelines.Get(ctx, actor, st.ID)
}

// Unbookmark removes a status from actor's bookmarks, if it is there.
func (s *Service) Unbookmark(ctx context.Context, actor *storage.Account, id int64) (*timeline.Status, error) {
	return s.unmark(ctx, actor, storage.Bookmark, id)
}

// unmark removes actor's mark m (favourite or bookmark) on a status and
// returns the status as actor sees it.
func (s *Service) unmark(ctx context.Context, actor *storage.Account, m storage.Mark, id int64) (*timeline.Status, error) {
	id = s.unboosted(ctx, id)
	err := s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		if m != storage.Favourite {
			_, err := tx.RemoveMark(ctx, m, actor.ID, id)
			return err
		}
		removed, likeURI, err := tx.RemoveFavourite(ctx, actor.ID, id)
		if err != nil || !removed {
			return err
		}
		st, author, err := statusAndAuthor(ctx, tx, id)
		if err != nil || st == nil {
			return err
		}
		if err := tx.DeleteNotificationAbout(ctx, st.AccountID, actor.ID, string(notify.Favourite), id); err != nil {
			return err
		}
		return s.publish(ctx, tx, outbox.Unfavourited{Account: actor, Author: author, Status: st, LikeURI: likeURI})
	})
	if err != nil {
		return nil, fmt.Errorf("post: remove %s: %w", m, err)
	}
	return s.timelines.Get(ctx, actor, id)
}

// statusAndAuthor loads an undeleted status and its author; nil, nil when
// the status is gone.
func statusAndAuthor(ctx context.Context, tx *storage.Store, id int64) (*storage.Status, *storage.Account, error) {
	st, err := tx.StatusByID(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	author, err := tx.AccountByID(ctx, st.AccountID)
	if err != nil {
		return nil, nil, err
	}
	return st, author, nil
}

// MuteConversation stops the notifications actor would get from the
// conversation of a status actor may see (replies, favourites, boosts,
// mentions). Muting again changes nothing.
func (s *Service) MuteConversation(ctx context.Context, actor *storage.Account, id int64) (*timeline.Status, error) {
	st, err := s.actionable(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := s.store.MuteConversation(ctx, actor.ID, timeline.ConversationOf(&st.Status)); err != nil {
		return nil, fmt.Errorf("post: mute: %w", err)
	}
	return s.timelines.Get(ctx, actor, st.ID)
}

// UnmuteConversation lifts actor's mute of a status's conversation.
func (s *Service) UnmuteConversation(ctx context.Context, actor *storage.Account, id int64) (*timeline.Status, error) {
	st, err := s.actionable(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := s.store.UnmuteConversation(ctx, actor.ID, timeline.ConversationOf(&st.Status)); err != nil {
		return nil, fmt.Errorf("post: unmute: %w", err)
	}
	return s.timelines.Get(ctx, actor, st.ID)
}

// FavouritedBy lists the accounts that favourited a status viewer (nil:
// anonymous) may see, newest favourite first, paged by the favourites' IDs.
func (s *Service) FavouritedBy(ctx context.Context, viewer *storage.Account, id int64, p storage.Page) ([]follow.Entry, error) {
	return s.accountsOf(ctx, viewer, id, func() ([]storage.Edge, error) { return s.store.Favouriters(ctx, id, p) })
}

// RebloggedBy lists the accounts that boosted a status viewer may see,
// newest boost first, paged by the boosts' IDs.
func (s *Service) RebloggedBy(ctx context.Context, viewer *storage.Account, id int64, p storage.Page) ([]follow.Entry, error) {
	return s.accountsOf(ctx, viewer, id, func() ([]storage.Edge, error) { return s.store.Rebloggers(ctx, id, p) })
}

// accountsOf checks that viewer may see status id, loads a page of edges
// and keeps the accounts that may be shown.
func (s *Service) accountsOf(ctx context.Context, viewer *storage.Account, id int64, load func() ([]storage.Edge, error)) ([]follow.Entry, error) {
	if _, err := s.timelines.Get(ctx, viewer, id); err != nil {
		return nil, err
	}
	edges, err := load()
	if err != nil {
		return nil, fmt.Errorf("post: accounts: %w", err)
	}
	shown := make([]*storage.Account, 0, len(edges))
	cursors := make([]int64, 0, len(edges))
	for i := range edges {
		if profile.Shown(&edges[i].Account) {
			shown = append(shown, &edges[i].Account)
			cursors = append(cursors, edges[i].Cursor)
		}
	}
	loaded, err := s.profiles.Load(ctx, shown)
	if err != nil {
		return nil, err
	}
	out := make([]follow.Entry, len(loaded))
	for i, a := range loaded {
		out[i] = follow.Entry{Cursor: cursors[i], Account: a}
	}
	return out, nil
}
