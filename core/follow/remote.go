package follow

import (
	"context"
	"fmt"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/notify"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/storage"
)

// ReceiveFollow applies a Follow another server sent: the remote follower
// asks to follow the local account targetID, in the activity uri. A locked
// target gets a follow request (and a notification) to authorise; an
// unlocked one is followed at once and the follower's server is told so
// (FollowAccepted); a follower who blocks or is blocked by the target is
// refused (FollowRejected). Following again is accepted again.
func (s *Service) ReceiveFollow(ctx context.Context, follower *storage.Account, targetID int64, uri string) error {
	if follower.Local() {
		return fmt.Errorf("follow: receive: %w", core.Errorf(core.ErrForbidden, "a local follow cannot arrive from another server"))
	}
	t, err := s.target(ctx, follower, targetID, "follow")
	if err != nil {
		return fmt.Errorf("follow: receive: %w", err)
	}
	if !t.Local() {
		return fmt.Errorf("follow: receive: %w", core.Errorf(core.ErrNotFound, "Record not found"))
	}
	ties, err := s.store.TiesOf(ctx, follower.ID, []int64{t.ID})
	if err != nil {
		return fmt.Errorf("follow: receive: %w", err)
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		switch {
		case ties.Blocking[t.ID] || ties.BlockedBy[t.ID]:
			return s.publish(ctx, tx, outbox.FollowRejected{Follower: follower, Target: t.Account, FollowURI: uri})
		case ties.Following[t.ID]:
			if err := tx.SetFollowURI(ctx, follower.ID, t.ID, uri); err != nil {
				return err
			}
			return s.publish(ctx, tx, outbox.FollowAccepted{Follower: follower, Target: t.Account, FollowURI: uri})
		case t.Locked:
			r := &storage.FollowRequest{AccountID: follower.ID, TargetAccountID: t.ID, ShowReblogs: true, URI: &uri}
			created, err := tx.UpsertFollowRequest(ctx, r)
			if err != nil {
				return err
			}
			if !created {
				return tx.SetFollowRequestURI(ctx, follower.ID, t.ID, uri)
			}
			return notify.Create(ctx, tx, notify.FollowRequest, t.Account, follower.ID, 0)
		}
		if err := s.accept(ctx, tx, follower, t.Account, true, false, true); err != nil {
			return err
		}
		if err := tx.SetFollowURI(ctx, follower.ID, t.ID, uri); err != nil {
			return err
		}
		return s.publish(ctx, tx, outbox.FollowAccepted{Follower: follower, Target: t.Account, FollowURI: uri})
	})
	if err != nil {
		return fmt.Errorf("follow: receive: %w", err)
	}
	s.log.InfoContext(ctx, "follow received", "account_id", follower.ID, "target_id", t.ID, "requested", t.Locked)
	return nil
}

// ReceiveReject applies a Reject another server sent: the remote target
// refused, or stopped, the local follower's follow. The request or follow
// goes and the target's posts leave the follower's home feed (except
// those mentioning the follower).
func (s *Service) ReceiveReject(ctx context.Context, target *storage.Account, followerID int64) error {
	if target.Local() {
		return fmt.Errorf("follow: receive reject: %w", core.Errorf(core.ErrForbidden, "a local account's answer cannot arrive from another server"))
	}
	err := s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		requested, err := tx.DeleteFollowRequest(ctx, followerID, target.ID)
		if err != nil {
			return err
		}
		followed, err := tx.DeleteFollow(ctx, followerID, target.ID)
		if err != nil {
			return err
		}
		if !requested && !followed {
			return core.Errorf(core.ErrNotFound, "Record not found")
		}
		return tx.RemoveFromHome(ctx, followerID, target.ID, true)
	})
	if err != nil {
		return fmt.Errorf("follow: receive reject: %w", err)
	}
	return nil
}
