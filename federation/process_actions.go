package federation

import (
	"context"
	"errors"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/storage"
)

// statusIDOf returns the ID of the stored, undeleted status an id names:
// a local one by its URL, a remote one by its ActivityPub id.
func (f *Federator) statusIDOf(ctx context.Context, uri string) (int64, error) {
	if _, id, ok := f.localStatusID(uri); ok {
		if _, err := f.store.StatusByID(ctx, id); err != nil {
			return 0, core.Errorf(core.ErrNotFound, "no status %s", uri)
		}
		return id, nil
	}
	st, err := f.store.StatusByURI(ctx, uri)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && st.DeletedAt != nil) {
		return 0, core.Errorf(core.ErrNotFound, "no status %s", uri)
	}
	if err != nil {
		return 0, err
	}
	return st.ID, nil
}

// applyLike favourites a status for a remote actor.
func (f *Federator) applyLike(ctx context.Context, actor *storage.Account, act *Node) error {
	id, err := f.statusIDOf(ctx, act.FirstObject().ID)
	if err != nil {
		return err
	}
	st, err := f.posts.Favourite(ctx, actor, id)
	if err != nil {
		return err
	}
	// Kept so that an Undo naming only the Like's id finds it.
	return f.store.SetFavouriteURI(ctx, actor.ID, st.ID, act.ID)
}

// applyAnnounce stores a remote actor's boost. A boosted status not known
// here is fetched when the booster has local followers (who would see the
// boost); otherwise the boost concerns nobody here.
func (f *Federator) applyAnnounce(ctx context.Context, actor *storage.Account, act *Node) error {
	obj := act.FirstObject()
	id, err := f.statusIDOf(ctx, obj.ID)
	if errors.Is(err, core.ErrNotFound) && !f.isLocal(obj.ID) {
		relevant, err := f.store.HasLocalFollowers(ctx, actor.ID)
		if err != nil || !relevant {
			return err
		}
		n, err := f.fetchObject(ctx, obj.ID)
		if err != nil {
			return err
		}
		if !noteTypes[n.Type] || !sameHost(n.AttributedTo, n.ID) {
			return core.Errorf(core.ErrInvalid, "boosted object is not a status")
		}
		author, err := f.resolver.Resolve(ctx, n.AttributedTo)
		if err != nil {
			return err
		}
		st, err := f.receiveNote(ctx, author, n, true, 0)
		if err != nil || st == nil {
			return err
		}
		id = st.ID
	} else if err != nil {
		return err
	}
	followers := ""
	if actor.FollowersURI != nil {
		followers = *actor.FollowersURI
	}
	vis := VisibilityOf(act.To, act.Cc, followers)
	return f.posts.ReceiveReblog(ctx, actor, id, act.ID, string(vis), act.Published)
}

// undoAction undoes a remote actor's Like or Announce.
func (f *Federator) undoAction(ctx context.Context, actor *storage.Account, inner *Node) error {
	switch inner.Type {
	case "Like":
		id, err := f.statusIDOf(ctx, inner.FirstObject().ID)
		if err != nil {
			return err
		}
		_, err = f.posts.Unfavourite(ctx, actor, id)
		return err
	case "Announce":
		id, err := f.statusIDOf(ctx, inner.FirstObject().ID)
		if err != nil {
			return err
		}
		_, err = f.posts.Unreblog(ctx, actor, id)
		return err
	}
	return nil
}
