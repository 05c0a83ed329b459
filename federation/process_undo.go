package federation

import (
	"context"
	"errors"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/storage"
)

// undoByID undoes the earlier Follow, Block, Like or Announce whose id is
// uri, found in what was stored when it arrived (a follow's or block's
// uri, a favourite's, a boost's status uri). Only the actor who did it
// may undo it; an id that names nothing stored is ignored.
func (f *Federator) undoByID(ctx context.Context, actor *storage.Account, uri string) error {
	if uri == "" {
		return core.Errorf(core.ErrInvalid, "Undo without an object id")
	}
	past, err := f.store.ActivityByURI(ctx, uri)
	if errors.Is(err, storage.ErrNotFound) {
		f.log.DebugContext(ctx, "federation: Undo of an activity not stored here", "account_id", actor.ID)
		return nil
	}
	if err != nil {
		return err
	}
	if past.AccountID != actor.ID {
		return core.Errorf(core.ErrForbidden, "an actor may only undo its own activities")
	}
	switch past.Kind {
	case storage.ActivityFollow:
		_, err = f.follows.Unfollow(ctx, actor, past.TargetAccountID)
	case storage.ActivityBlock:
		_, err = f.follows.Unblock(ctx, actor, past.TargetAccountID)
	case storage.ActivityFavourite:
		_, err = f.posts.Unfavourite(ctx, actor, past.StatusID)
	case storage.ActivityReblog:
		_, err = f.posts.Unreblog(ctx, actor, past.StatusID)
	}
	return err
}
