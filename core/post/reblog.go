package post

import (
	"context"
	"errors"
	"fmt"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/notify"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
)

// errNotBoostable answers a boost of a private or direct status.
var errNotBoostable = core.Errorf(core.ErrInvalid, "Private and direct posts cannot be boosted")

// Reblog boosts a status actor may see (a boost stands for the status it
// boosts) and returns the boost, whose Reblog is the boosted status.
// Public and unlisted statuses may be boosted by anyone who sees them,
// private ones only by their author (the boost stays private), direct
// ones never. vis is the boost's visibility: public, unlisted or private,
// "" for actor's default. The boosted status's author is notified.
// Boosting again returns the existing boost.
func (s *Service) Reblog(ctx context.Context, actor *storage.Account, id int64, vis string) (*timeline.Status, error) {
	target, err := s.actionable(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	switch visibility.Visibility(target.Visibility) {
	case visibility.Public, visibility.Unlisted:
	case visibility.Private:
		if target.AccountID != actor.ID {
			return nil, errNotBoostable
		}
		vis = string(visibility.Private)
	default:
		return nil, errNotBoostable
	}
	if existing, err := s.existingReblog(ctx, actor, target.ID); err != nil || existing != nil {
		return existing, err
	}
	if vis, err = s.reblogVisibility(ctx, actor, vis); err != nil {
		return nil, err
	}
	boost := &storage.Status{
		ID: s.store.NewID(), AccountID: actor.ID, Local: true, ReblogOfID: &target.ID, Visibility: vis,
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		if err := tx.InsertStatus(ctx, storage.NewStatus{Status: boost}); err != nil {
			return err
		}
		if err := tx.FanOutReblog(ctx, boost, target.AccountID); err != nil {
			return err
		}
		if err := notify.Create(ctx, tx, notify.Reblog, target.Account.Account, actor.ID, target.ID); err != nil {
			return err
		}
		return s.publish(ctx, tx, outbox.Reblogged{Account: actor, Author: target.Account.Account, Status: &target.Status, Boost: boost})
	})
	if errors.Is(err, storage.ErrConflict) { // a concurrent boost won
		if existing, err := s.existingReblog(ctx, actor, target.ID); err != nil || existing != nil {
			return existing, err
		}
	}
	if err != nil {
		return nil, fmt.Errorf("post: reblog: %w", err)
	}
	s.log.InfoContext(ctx, "status boosted", "status_id", boost.ID, "reblog_of_id", target.ID, "account_id", actor.ID)
	return s.timelines.Get(ctx, actor, boost.ID)
}

// existingReblog returns actor's live boost of statusID, or nil.
func (s *Service) existingReblog(ctx context.Context, actor *storage.Account, statusID int64) (*timeline.Status, error) {
	b, err := s.store.ReblogBy(ctx, actor.ID, statusID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("post: reblog: %w", err)
	}
	return s.timelines.Get(ctx, actor, b.ID)
}

// reblogVisibility checks a boost's visibility; "" is actor's default
// posting visibility, narrowed to private when that default is direct.
func (s *Service) reblogVisibility(ctx context.Context, actor *storage.Account, vis string) (string, error) {
	if vis == "" {
		prefs, err := s.store.PreferencesOf(ctx, actor.ID)
		if err != nil {
			return "", fmt.Errorf("post: reblog: %w", err)
		}
		vis = prefs.DefaultVisibility
		if vis == string(visibility.Direct) {
			vis = string(visibility.Private)
		}
	}
	switch visibility.Visibility(vis) {
	case visibility.Public, visibility.Unlisted, visibility.Private:
		return vis, nil
	}
	return "", core.Invalid("visibility", "must be public, unlisted or private")
}

// Unreblog deletes actor's boost of a status (named by its ID or by the
// boost's) and returns the status as actor now sees it. Without a boost
// it changes nothing.
func (s *Service) Unreblog(ctx context.Context, actor *storage.Account, id int64) (*timeline.Status, error) {
	id = s.unboosted(ctx, id)
	b, err := s.store.ReblogBy(ctx, actor.ID, id)
	switch {
	case err == nil:
		err := s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			if err := tx.DeleteStatus(ctx, b.ID); err != nil {
				return err
			}
			st, author, err := statusAndAuthor(ctx, tx, id)
			if err != nil || st == nil {
				return err
			}
			return s.publish(ctx, tx, outbox.Unreblogged{Account: actor, Author: author, Status: st, Boost: b})
		})
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return nil, fmt.Errorf("post: unreblog: %w", err)
		}
		s.log.InfoContext(ctx, "boost removed", "status_id", b.ID, "reblog_of_id", id, "account_id", actor.ID)
	case !errors.Is(err, storage.ErrNotFound):
		return nil, fmt.Errorf("post: unreblog: %w", err)
	}
	return s.timelines.Get(ctx, actor, id)
}
