package federation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/core/report"
	"github.com/rounds-md/rounds/federation/deref"
	"github.com/rounds-md/rounds/federation/sanitize"
	"github.com/rounds-md/rounds/storage"
)

// maxReportComment caps the comment kept from a Flag.
const maxReportComment = 1000

// process runs one inbox job: the activity's signature, origin and dedupe
// were checked when it arrived; here it is applied through core.
func (f *Federator) process(ctx context.Context, j *job.Job) error {
	var a inboxArgs
	if err := j.Decode(&a); err != nil {
		return err
	}
	f.prune(ctx)
	act, err := DecodeActivity(a.Activity)
	if err != nil {
		return job.Permanent(err)
	}
	var actor *storage.Account
	if act.Type == "Delete" && act.FirstObject().ID == act.Actor {
		// A deleted actor's document is gone (410): use the stored copy,
		// whose key verified the request.
		actor, err = f.store.RemoteAccountByURI(ctx, act.Actor)
	} else {
		actor, err = f.resolver.Resolve(ctx, act.Actor)
	}
	if errors.Is(err, storage.ErrNotFound) {
		return job.Permanent(err)
	}
	if err != nil {
		if errors.Is(err, deref.ErrGone) || errors.Is(err, deref.ErrNotFound) || errors.Is(err, deref.ErrNotActor) {
			return job.Permanent(err)
		}
		return err
	}
	if actor.Suspended() && act.Type != "Delete" {
		f.log.DebugContext(ctx, "federation: activity from a suspended actor ignored", "account_id", actor.ID, "type", act.Type)
		return nil
	}
	err = f.apply(ctx, actor, act)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, core.ErrNotFound), errors.Is(err, core.ErrConflict), errors.Is(err, core.ErrForbidden),
		errors.Is(err, core.ErrInvalid), errors.Is(err, ErrMalformed):
		// Nothing to do, and nothing retrying would change.
		f.log.DebugContext(ctx, "federation: activity had no effect", "type", act.Type, "account_id", actor.ID, "reason", err)
		return nil
	}
	return fmt.Errorf("federation: process %s: %w", act.Type, err)
}

// dedupeWindow is how long the ids of received activities are kept. A
// replayed request is refused by its Date long before; what the window
// catches is a sender retrying a delivery that had in fact arrived.
const dedupeWindow = 7 * 24 * time.Hour

// prune forgets activity ids older than dedupeWindow, at most hourly per
// process.
func (f *Federator) prune(ctx context.Context) {
	now := f.now()
	last := f.lastPrune.Load()
	if now.Unix()-last < 3600 || !f.lastPrune.CompareAndSwap(last, now.Unix()) {
		return
	}
	if n, err := f.store.PruneInboxActivities(ctx, now.Add(-dedupeWindow)); err != nil {
		f.log.WarnContext(ctx, "federation: prune inbox activity ids", "err", err)
	} else if n > 0 {
		f.log.DebugContext(ctx, "federation: pruned inbox activity ids", "count", n)
	}
}

// apply dispatches an activity by type.
func (f *Federator) apply(ctx context.Context, actor *storage.Account, act *Node) error {
	obj := act.FirstObject()
	switch act.Type {
	case "Create":
		return f.applyCreate(ctx, actor, act)
	case "Update":
		return f.applyUpdate(ctx, actor, act)
	case "Delete":
		if obj.ID == act.Actor {
			if err := f.store.RemoveAccountContent(ctx, actor.ID, f.now()); err != nil {
				return err
			}
			f.log.InfoContext(ctx, "federation: remote account deleted by its server", "account_id", actor.ID)
			return nil
		}
		st, err := f.store.StatusByURI(ctx, obj.ID)
		if errors.Is(err, storage.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if st.DeletedAt != nil {
			return nil
		}
		return f.posts.RemoveRemote(ctx, actor, st.ID)
	case "Follow":
		target, err := f.localAccount(ctx, obj.ID)
		if err != nil {
			return err
		}
		return f.follows.ReceiveFollow(ctx, actor, target.ID, act.ID)
	case "Accept", "Reject":
		follower, err := f.followerOf(ctx, obj)
		if err != nil {
			return err
		}
		if act.Type == "Reject" {
			return f.follows.ReceiveReject(ctx, actor, follower.ID)
		}
		if _, err := f.follows.Authorize(ctx, actor, follower.ID); err != nil {
			return err
		}
		f.log.InfoContext(ctx, "federation: follow accepted", "account_id", follower.ID, "target_id", actor.ID)
		return nil
	case "Undo":
		return f.applyUndo(ctx, actor, obj)
	case "Block":
		target, err := f.localAccount(ctx, obj.ID)
		if err != nil {
			return err
		}
		if _, err = f.follows.Block(ctx, actor, target.ID); err != nil {
			return err
		}
		// Kept so that an Undo naming only the Block's id finds it.
		return f.store.SetBlockURI(ctx, actor.ID, target.ID, act.ID)
	case "Flag":
		return f.applyFlag(ctx, actor, act)
	case "Like":
		return f.applyLike(ctx, actor, act)
	case "Announce":
		return f.applyAnnounce(ctx, actor, act)
	}
	// Other types are not used by Rounds.
	f.log.DebugContext(ctx, "federation: activity type not handled", "type", act.Type, "account_id", actor.ID)
	return nil
}

// applyUndo undoes a follow, block, favourite or boost: the activity
// embedded, or named by its id only.
func (f *Federator) applyUndo(ctx context.Context, actor *storage.Account, obj Ref) error {
	inner := obj.Node
	if inner == nil || inner.FirstObject().ID == "" {
		// The undone activity by its id only (process_undo.go).
		return f.undoByID(ctx, actor, obj.ID)
	}
	switch inner.Type {
	case "Follow":
		target, err := f.localAccount(ctx, inner.FirstObject().ID)
		if err != nil {
			return err
		}
		_, err = f.follows.Unfollow(ctx, actor, target.ID)
		return err
	case "Block":
		target, err := f.localAccount(ctx, inner.FirstObject().ID)
		if err != nil {
			return err
		}
		_, err = f.follows.Unblock(ctx, actor, target.ID)
		return err
	case "Like", "Announce":
		return f.undoAction(ctx, actor, inner)
	}
	f.log.DebugContext(ctx, "federation: Undo of a type not handled", "type", inner.Type, "account_id", actor.ID)
	return nil
}

// localAccount returns the local account an actor URI names.
func (f *Federator) localAccount(ctx context.Context, uri string) (*storage.Account, error) {
	name, ok := f.localUsername(uri)
	if !ok {
		return nil, core.Errorf(core.ErrNotFound, "%s is not a local actor", uri)
	}
	a, err := f.accounts.LocalPerson(ctx, name)
	if err != nil {
		return nil, core.Errorf(core.ErrNotFound, "no local actor %s", uri)
	}
	return a, nil
}

// followerOf returns the local follower of the Follow an Accept or Reject
// answers: the embedded Follow's actor, or the actor part of a follow id
// this instance made (ACTOR#follows/N).
func (f *Federator) followerOf(ctx context.Context, obj Ref) (*storage.Account, error) {
	if obj.Node != nil && obj.Node.Actor != "" {
		return f.localAccount(ctx, obj.Node.Actor)
	}
	actor, _, _ := strings.Cut(obj.ID, "#")
	return f.localAccount(ctx, actor)
}

// applyFlag stores a report about a local account (and some of its
// statuses) for moderators, who are told of it (core/report).
func (f *Federator) applyFlag(ctx context.Context, actor *storage.Account, act *Node) error {
	var target *storage.Account
	var ids []int64
	for _, o := range act.Object {
		if a, err := f.localAccount(ctx, o.ID); err == nil {
			if target == nil {
				target = a
			}
			continue
		}
		if _, id, ok := f.localStatusID(o.ID); ok {
			st, err := f.store.StatusByID(ctx, id)
			if err != nil {
				continue
			}
			if target == nil {
				if target, err = f.store.AccountByID(ctx, st.AccountID); err != nil {
					return err
				}
			}
			if st.AccountID == target.ID {
				ids = append(ids, id)
			}
		}
	}
	if target == nil {
		return core.Errorf(core.ErrNotFound, "the report names no local account")
	}
	comment := []rune(sanitize.Text(act.HTMLContent()))
	if len(comment) > maxReportComment {
		comment = comment[:maxReportComment]
	}
	uri := act.ID
	r := &storage.Report{AccountID: actor.ID, TargetAccountID: target.ID, Comment: string(comment), URI: &uri}
	r.SetStatusIDs(ids)
	if err := report.Record(ctx, f.store, r); err != nil {
		if errors.Is(err, storage.ErrConflict) {
			return nil
		}
		return err
	}
	f.log.InfoContext(ctx, "federation: report received", "report_id", r.ID, "target_id", target.ID, "from_account_id", actor.ID)
	return nil
}
