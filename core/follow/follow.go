package follow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/notify"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
)

// BackfillCount is how many recent posts of a newly followed account are
// copied into the follower's home feed.
const BackfillCount = 40

// Service applies the follow rules over a Store.
type Service struct {
	store    *storage.Store
	profiles *profile.Service
	log      *slog.Logger
	// pub hears of follows, accepts, rejections and blocks (WithPublisher).
	pub outbox.Publisher
}

// New returns a Service.
func New(store *storage.Store, profiles *profile.Service, log *slog.Logger) *Service {
	return &Service{store: store, profiles: profiles, log: log}
}

// Options are a follow's settings.
type Options struct {
	// Reblogs shows the target's boosts in home (nil keeps the current
	// setting; true for a new follow).
	Reblogs *bool
	// Notify notifies on every post of the target (nil keeps the current
	// setting; false for a new follow).
	Notify *bool
}

// Relationship is how one account stands to another.
type Relationship struct {
	ID          int64
	Following   bool
	ShowReblogs bool
	Notifying   bool
	FollowedBy  bool
	Blocking    bool
	BlockedBy   bool
	Requested   bool
	RequestedBy bool
	// Muting, MutingNotifications and MutingExpiresAt describe a mute in
	// force (mute.go); Note is the private note about the account.
	Muting              bool
	MutingNotifications bool
	MutingExpiresAt     *time.Time
	Note                string
}

// target loads the account to act on: shown, and not the actor.
func (s *Service) target(ctx context.Context, actor *storage.Account, id int64, verb string) (*profile.Account, error) {
	t, err := s.profiles.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if t.ID == actor.ID {
		return nil, core.Invalid("", "You cannot "+verb+" yourself")
	}
	return t, nil
}

// Follow makes actor follow the account with that ID: at once for an
// unlocked local account, as a pending request for a locked or remote one
// (a remote follow is confirmed when its server accepts). Following again
// updates the options. Blocks either way are ErrForbidden.
func (s *Service) Follow(ctx context.Context, actor *storage.Account, id int64, o Options) (*Relationship, error) {
	t, err := s.target(ctx, actor, id, "follow")
	if err != nil {
		return nil, fmt.Errorf("follow: %w", err)
	}
	ties, err := s.store.TiesOf(ctx, actor.ID, []int64{t.ID})
	if err != nil {
		return nil, fmt.Errorf("follow: %w", err)
	}
	if ties.Blocking[t.ID] || ties.BlockedBy[t.ID] {
		return nil, fmt.Errorf("follow: %w", core.Errorf(core.ErrForbidden, "This action is not allowed"))
	}
	reblogs, notifyOn := !ties.NoReblogs[t.ID], ties.Notifying[t.ID]
	if o.Reblogs != nil {
		reblogs = *o.Reblogs
	}
	if o.Notify != nil {
		notifyOn = *o.Notify
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		if ties.Following[t.ID] || (!t.Locked && t.Local()) {
			return s.accept(ctx, tx, actor, t.Account, reblogs, notifyOn, !ties.Following[t.ID])
		}
		r := &storage.FollowRequest{AccountID: actor.ID, TargetAccountID: t.ID, ShowReblogs: reblogs, Notify: notifyOn}
		created, err := tx.UpsertFollowRequest(ctx, r)
		if err != nil || !created {
			return err
		}
		if err := notify.Create(ctx, tx, notify.FollowRequest, t.Account, actor.ID, 0); err != nil {
			return err
		}
		return s.publish(ctx, tx, outbox.Followed{Follower: actor, Target: t.Account, RequestID: r.ID})
	})
	if err != nil {
		return nil, fmt.Errorf("follow: %w", err)
	}
	s.log.InfoContext(ctx, "follow", "account_id", actor.ID, "target_id", t.ID)
	return s.Relationship(ctx, actor, t.ID)
}

// accept stores an accepted follow; a new one back-fills the follower's
// home feed and notifies the target.
func (s *Service) accept(ctx context.Context, tx *storage.Store, follower, target *storage.Account, reblogs, notifyOn, isNew bool) error {
	if err := tx.UpsertFollow(ctx, &storage.Follow{AccountID: follower.ID, TargetAccountID: target.ID, ShowReblogs: reblogs, Notify: notifyOn}); err != nil {
		return err
	}
	if _, err := tx.DeleteFollowRequest(ctx, follower.ID, target.ID); err != nil {
		return err
	}
	if !isNew {
		return nil
	}
	if follower.Local() {
		if err := tx.BackfillHome(ctx, follower.ID, target.ID, visibility.FollowerVisibilities(), BackfillCount); err != nil {
			return err
		}
	}
	return notify.Create(ctx, tx, notify.Follow, target, follower.ID, 0)
}

// Unfollow ends actor's follow of (or pending request to) the account,
// and takes the account's posts out of actor's home feed, except those
// that mention actor.
func (s *Service) Unfollow(ctx context.Context, actor *storage.Account, id int64) (*Relationship, error) {
	t, err := s.target(ctx, actor, id, "unfollow")
	if err != nil {
		return nil, fmt.Errorf("unfollow: %w", err)
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		followed, err := tx.DeleteFollow(ctx, actor.ID, t.ID)
		if err != nil {
			return err
		}
		removed, err := tx.DeleteFollowRequest(ctx, actor.ID, t.ID)
		if err != nil {
			return err
		} else if removed {
			if err := tx.DeleteNotificationsBetween(ctx, t.ID, actor.ID, string(notify.FollowRequest)); err != nil {
				return err
			}
		}
		if followed || removed {
			if err := s.publish(ctx, tx, outbox.Unfollowed{Follower: actor, Target: t.Account}); err != nil {
				return err
			}
		}
		return tx.RemoveFromHome(ctx, actor.ID, t.ID, true)
	})
	if err != nil {
		return nil, fmt.Errorf("unfollow: %w", err)
	}
	return s.Relationship(ctx, actor, t.ID)
}

// Authorize accepts the pending request of the account with that ID to
// follow actor. The inbox calls it with a remote actor when a remote
// account accepts a local follower's request.
func (s *Service) Authorize(ctx context.Context, actor *storage.Account, id int64) (*Relationship, error) {
	err := s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		r, err := tx.FollowRequestBetween(ctx, id, actor.ID)
		if err != nil {
			if errors.Is(err, storage.ErrNotFound) {
				return core.Errorf(core.ErrNotFound, "Record not found")
			}
			return err
		}
		follower, err := tx.AccountByID(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteNotificationsBetween(ctx, actor.ID, id, string(notify.FollowRequest)); err != nil {
			return err
		}
		if err := s.accept(ctx, tx, follower, actor, r.ShowReblogs, r.Notify, true); err != nil {
			return err
		}
		if r.URI != nil {
			// The follow keeps its Follow's id: an Undo may name only that.
			if err := tx.SetFollowURI(ctx, id, actor.ID, *r.URI); err != nil {
				return err
			}
		}
		return s.publish(ctx, tx, outbox.FollowAccepted{Follower: follower, Target: actor, FollowURI: deref(r.URI)})
	})
	if err != nil {
		return nil, fmt.Errorf("follow: authorize: %w", err)
	}
	return s.Relationship(ctx, actor, id)
}

// Reject refuses the pending request of the account with that ID.
func (s *Service) Reject(ctx context.Context, actor *storage.Account, id int64) (*Relationship, error) {
	err := s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		r, err := tx.FollowRequestBetween(ctx, id, actor.ID)
		if errors.Is(err, storage.ErrNotFound) {
			return core.Errorf(core.ErrNotFound, "Record not found")
		}
		if err != nil {
			return err
		}
		if _, err := tx.DeleteFollowRequest(ctx, id, actor.ID); err != nil {
			return err
		}
		if err := tx.DeleteNotificationsBetween(ctx, actor.ID, id, string(notify.FollowRequest)); err != nil {
			return err
		}
		follower, err := tx.AccountByID(ctx, id)
		if err != nil {
			return err
		}
		return s.publish(ctx, tx, outbox.FollowRejected{Follower: follower, Target: actor, FollowURI: deref(r.URI)})
	})
	if err != nil {
		return nil, fmt.Errorf("follow: reject: %w", err)
	}
	return s.Relationship(ctx, actor, id)
}

// Block makes actor block the account: follows and requests either way
// end, each one's posts leave the other's home feed, and the blocked
// account's notifications to actor go.
func (s *Service) Block(ctx context.Context, actor *storage.Account, id int64) (*Relationship, error) {
	t, err := s.target(ctx, actor, id, "block")
	if err != nil {
		return nil, fmt.Errorf("block: %w", err)
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		b := &storage.Block{AccountID: actor.ID, TargetAccountID: t.ID}
		if err := tx.InsertBlock(ctx, b); err != nil {
			return err
		}
		for _, pair := range [][2]int64{{actor.ID, t.ID}, {t.ID, actor.ID}} {
			if _, err := tx.DeleteFollow(ctx, pair[0], pair[1]); err != nil {
				return err
			}
			if _, err := tx.DeleteFollowRequest(ctx, pair[0], pair[1]); err != nil {
				return err
			}
			if err := tx.RemoveFromHome(ctx, pair[0], pair[1], false); err != nil {
				return err
			}
			if err := tx.DeleteNotificationsBetween(ctx, pair[0], pair[1]); err != nil {
				return err
			}
		}
		return s.publish(ctx, tx, outbox.Blocked{Account: actor, Target: t.Account, BlockID: b.ID})
	})
	if err != nil {
		return nil, fmt.Errorf("block: %w", err)
	}
	s.log.InfoContext(ctx, "block", "account_id", actor.ID, "target_id", t.ID)
	return s.Relationship(ctx, actor, t.ID)
}

// Unblock lifts actor's block of the account.
func (s *Service) Unblock(ctx context.Context, actor *storage.Account, id int64) (*Relationship, error) {
	t, err := s.target(ctx, actor, id, "unblock")
	if err != nil {
		return nil, fmt.Errorf("unblock: %w", err)
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		removed, err := tx.DeleteBlock(ctx, actor.ID, t.ID)
		if err != nil || !removed {
			return err
		}
		return s.publish(ctx, tx, outbox.Unblocked{Account: actor, Target: t.Account})
	})
	if err != nil {
		return nil, fmt.Errorf("unblock: %w", err)
	}
	return s.Relationship(ctx, actor, t.ID)
}

// Relationship returns how actor stands to one account.
func (s *Service) Relationship(ctx context.Context, actor *storage.Account, id int64) (*Relationship, error) {
	rs, err := s.Relationships(ctx, actor, []int64{id})
	if err != nil {
		return nil, err
	}
	return &rs[0], nil
}

// Relationships returns how actor stands to each account, one entry per
// ID in the same order (unknown IDs get an all-false entry).
func (s *Service) Relationships(ctx context.Context, actor *storage.Account, ids []int64) ([]Relationship, error) {
	ties, err := s.store.TiesOf(ctx, actor.ID, ids)
	if err != nil {
		return nil, fmt.Errorf("follow: relationships: %w", err)
	}
	out := make([]Relationship, len(ids))
	for i, id := range ids {
		out[i] = Relationship{
			ID: id, Following: ties.Following[id], ShowReblogs: ties.Following[id] && !ties.NoReblogs[id],
			Notifying: ties.Notifying[id], FollowedBy: ties.FollowedBy[id], Blocking: ties.Blocking[id],
			BlockedBy: ties.BlockedBy[id], Requested: ties.Requested[id], RequestedBy: ties.RequestedBy[id],
		}
	}
	if err := s.addMutesAndNotes(ctx, actor, ids, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Entry is one account of a list, with the list's paging cursor.
type Entry struct {
	Cursor  int64
	Account profile.Account
}

// Followers lists who follows the account, newest first.
func (s *Service) Followers(ctx context.Context, id int64, p storage.Page) ([]Entry, error) {
	if _, err := s.profiles.Get(ctx, id); err != nil {
		return nil, fmt.Errorf("follow: followers: %w", err)
	}
	return s.entries(ctx, func() ([]storage.Edge, error) { return s.store.Followers(ctx, id, p) })
}

// Following lists whom the account follows, newest first.
func (s *Service) Following(ctx context.Context, id int64, p storage.Page) ([]Entry, error) {
	if _, err := s.profiles.Get(ctx, id); err != nil {
		return nil, fmt.Errorf("follow: following: %w", err)
	}
	return s.entries(ctx, func() ([]storage.Edge, error) { return s.store.Following(ctx, id, p) })
}

// Requests lists the accounts asking to follow actor.
func (s *Service) Requests(ctx context.Context, actor *storage.Account, p storage.Page) ([]Entry, error) {
	return s.entries(ctx, func() ([]storage.Edge, error) { return s.store.FollowRequestsTo(ctx, actor.ID, p) })
}

// Blocks lists the accounts actor blocks.
func (s *Service) Blocks(ctx context.Context, actor *storage.Account, p storage.Page) ([]Entry, error) {
	return s.entries(ctx, func() ([]storage.Edge, error) { return s.store.BlockedBy(ctx, actor.ID, p) })
}

// PendingRequests counts the follow requests waiting for actor.
func (s *Service) PendingRequests(ctx context.Context, actor *storage.Account) (int, error) {
	return s.store.CountFollowRequests(ctx, actor.ID)
}

func (s *Service) entries(ctx context.Context, load func() ([]storage.Edge, error)) ([]Entry, error) {
	edges, err := load()
	if err != nil {
		return nil, fmt.Errorf("follow: %w", err)
	}
	accts := make([]*storage.Account, 0, len(edges))
	for i := range edges {
		accts = append(accts, &edges[i].Account)
	}
	loaded, err := s.profiles.Load(ctx, accts)
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(edges))
	for i, e := range edges {
		if profile.Shown(&edges[i].Account) {
			out = append(out, Entry{Cursor: e.Cursor, Account: loaded[i]})
		}
	}
	return out, nil
}
