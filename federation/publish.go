package federation

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/federation/delivery"
	"github.com/rounds-md/rounds/storage"
)

// bulkFanOut is the number of inboxes past which a status's deliveries
// are queued behind interactive and ordinary ones.
const bulkFanOut = 20

// Publish turns a local change into an activity and enqueues its
// deliveries through tx, the change's own transaction. Changes that only
// involve local accounts, or whose actor is remote (a remote follow this
// instance accepted on a remote server's word), publish nothing.
func (f *Federator) Publish(ctx context.Context, tx *storage.Store, ev outbox.Event) error {
	if done, err := f.publishAction(ctx, tx, ev); done {
		if err != nil {
			return fmt.Errorf("federation: publish: %w", err)
		}
		return nil
	}
	var err error
	switch e := ev.(type) {
	case outbox.ProfileUpdated:
		err = f.publishProfile(ctx, tx, e.Account)
	case outbox.ReportForwarded:
		err = f.publishFlag(ctx, tx, e)
	case outbox.StatusCreated:
		err = f.publishStatus(ctx, tx, e.Author, e.Status, e.Mentions, e.Tags, false)
	case outbox.StatusDeleted:
		err = f.publishStatus(ctx, tx, e.Author, e.Status, e.Mentions, nil, true)
	case outbox.Followed:
		if !e.Follower.Local() || e.Target.Local() {
			return nil
		}
		uri := f.followURI(e.Follower, e.RequestID)
		if err := tx.SetFollowRequestURI(ctx, e.Follower.ID, e.Target.ID, uri); err != nil {
			return fmt.Errorf("federation: publish follow: %w", err)
		}
		act := map[string]any{"id": uri, "type": "Follow", "actor": f.actorURI(e.Follower), "object": f.actorURI(e.Target)}
		err = f.sendTo(ctx, tx, e.Follower, e.Target, act)
	case outbox.Unfollowed:
		if !e.Follower.Local() || e.Target.Local() {
			return nil
		}
		follow := f.followObject(e.FollowURI, e.Follower, e.Target)
		act := map[string]any{
			"id": f.actorURI(e.Follower) + "#follows/" + strconv.FormatInt(tx.NewID(), 10) + "/undo", "type": "Undo",
			"actor": f.actorURI(e.Follower), "object": follow,
		}
		err = f.sendTo(ctx, tx, e.Follower, e.Target, act)
	case outbox.FollowAccepted, outbox.FollowRejected:
		typ, follower, target, uri := "Accept", (*storage.Account)(nil), (*storage.Account)(nil), ""
		if a, ok := e.(outbox.FollowAccepted); ok {
			follower, target, uri = a.Follower, a.Target, a.FollowURI
		} else {
			r := e.(outbox.FollowRejected)
			typ, follower, target, uri = "Reject", r.Follower, r.Target, r.FollowURI
		}
		if follower.Local() || !target.Local() {
			return nil
		}
		act := map[string]any{
			"id":    f.actorURI(target) + "#" + strings.ToLower(typ) + "s/follows/" + strconv.FormatInt(tx.NewID(), 10),
			"type":  typ,
			"actor": f.actorURI(target), "object": f.followObject(uri, follower, target),
		}
		err = f.sendTo(ctx, tx, target, follower, act)
	case outbox.Blocked:
		if !e.Account.Local() || e.Target.Local() {
			return nil
		}
		act := f.blockActivity(e.Account, e.Target, e.BlockID)
		err = f.sendTo(ctx, tx, e.Account, e.Target, act)
	case outbox.Unblocked:
		if !e.Account.Local() || e.Target.Local() {
			return nil
		}
		id := tx.NewID()
		act := map[string]any{
			"id": f.actorURI(e.Account) + "#blocks/" + strconv.FormatInt(id, 10) + "/undo", "type": "Undo",
			"actor": f.actorURI(e.Account), "object": f.blockActivity(e.Account, e.Target, id),
		}
		err = f.sendTo(ctx, tx, e.Account, e.Target, act)
	}
	if err != nil {
		return fmt.Errorf("federation: publish: %w", err)
	}
	return nil
}

// followURI is the id of the Follow a local account sends: ACTOR#follows/N
// with the follow request's ID, unique per request.
func (f *Federator) followURI(follower *storage.Account, requestID int64) string {
	return f.actorURI(follower) + "#follows/" + strconv.FormatInt(requestID, 10)
}

// followObject is a Follow embedded in an Accept, Reject or Undo; uri may
// be "" when the Follow's id is unknown (receivers then match the actor
// and object, as Mastodon does).
func (f *Federator) followObject(uri string, follower, target *storage.Account) map[string]any {
	o := map[string]any{"type": "Follow", "actor": f.actorURI(follower), "object": f.actorURI(target)}
	if uri != "" {
		o["id"] = uri
	}
	return o
}

func (f *Federator) blockActivity(a, target *storage.Account, id int64) map[string]any {
	return map[string]any{
		"id": f.actorURI(a) + "#blocks/" + strconv.FormatInt(id, 10), "type": "Block",
		"actor": f.actorURI(a), "object": f.actorURI(target),
	}
}

// sendTo enqueues an activity by a local account to one remote account's
// own inbox, at interactive priority.
func (f *Federator) sendTo(ctx context.Context, tx *storage.Store, from, to *storage.Account, act map[string]any) error {
	if to.InboxURI == nil || *to.InboxURI == "" || to.Suspended() {
		return nil
	}
	ok, err := f.AllowedHost(ctx, hostOf(*to.InboxURI))
	if err != nil || !ok {
		return err
	}
	body, err := encode(withContext(act))
	if err != nil {
		return err
	}
	return f.delivery.Enqueue(ctx, tx, delivery.Delivery{
		AccountID: from.ID, KeyID: LocalActorURLs(f.inst, from).Key, Inbox: *to.InboxURI,
		Activity: body, Priority: job.PriorityInteractive,
	})
}

// publishStatus enqueues a Create (or, deleted, a Delete) of a local
// status to every inbox of its audience.
func (f *Federator) publishStatus(ctx context.Context, tx *storage.Store, author *storage.Account, st *storage.Status, mentions []*storage.Account, tags []string, deleted bool) error {
	if !author.Local() || !st.Local || st.ReblogOfID != nil {
		return nil
	}
	inboxes, err := f.statusInboxes(ctx, tx, author, st, mentions)
	if err != nil || len(inboxes) == 0 {
		return err
	}
	parent, err := f.parentURI(ctx, tx, st)
	if err != nil {
		return err
	}
	nd := noteData{Author: author, Status: st, Mentions: mentions, Tags: tags, InReplyTo: parent}
	if !deleted {
		if nd.Poll, err = pollOf(ctx, tx, st.ID); err != nil {
			return err
		}
	}
	note, to, cc := f.note(nd)
	actor := f.actorURI(author)
	var act map[string]any
	if deleted {
		act = map[string]any{
			"id": note["id"].(string) + "#delete", "type": "Delete", "actor": actor, "to": to, "cc": cc,
			"object": map[string]any{"id": note["id"], "type": "Tombstone"},
		}
	} else {
		act = map[string]any{
			"id": note["id"].(string) + "/activity", "type": "Create", "actor": actor,
			"published": note["published"], "to": to, "cc": cc, "object": note,
		}
	}
	body, err := encode(withContext(act))
	if err != nil {
		return err
	}
	prio := job.PriorityDefault
	switch {
	case st.InReplyToID != nil || st.Visibility == string(visibility.Direct):
		prio = job.PriorityInteractive
	case len(inboxes) > bulkFanOut:
		prio = job.PriorityBulk
	}
	key := LocalActorURLs(f.inst, author).Key
	for _, inbox := range inboxes {
		if err := f.delivery.Enqueue(ctx, tx, delivery.Delivery{AccountID: author.ID, KeyID: key, Inbox: inbox, Activity: body, Priority: prio}); err != nil {
			return err
		}
	}
	return nil
}

// statusInboxes computes where a status goes: the remote followers'
// (shared) inboxes unless it is direct, each mentioned remote account's
// (shared) inbox, and the replied-to remote author's unless it is direct;
// one entry per inbox, in the domain policy, leaving out accounts the
// author blocks or that block the author.
func (f *Federator) statusInboxes(ctx context.Context, tx *storage.Store, author *storage.Account, st *storage.Status, mentions []*storage.Account) ([]string, error) {
	var candidates []string
	if visibility.ReachesFollowers(visibility.Visibility(st.Visibility)) {
		fi, err := tx.FollowerInboxes(ctx, author.ID)
		if err != nil {
			return nil, err
		}
		candidates = append(candidates, fi...)
	}
	// A reply also goes to the replied-to author (unless it is direct, which
	// goes to the mentioned only), as Mastodon delivers it.
	if st.InReplyToAccountID != nil && st.Visibility != string(visibility.Direct) && *st.InReplyToAccountID != author.ID {
		parentAuthor, err := tx.AccountByID(ctx, *st.InReplyToAccountID)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return nil, err
		}
		if err == nil && !parentAuthor.Local() {
			mentions = append(append([]*storage.Account{}, mentions...), parentAuthor)
		}
	}
	var remote []int64
	for _, m := range mentions {
		if !m.Local() {
			remote = append(remote, m.ID)
		}
	}
	ties, err := tx.TiesOf(ctx, author.ID, remote)
	if err != nil {
		return nil, err
	}
	for _, m := range mentions {
		if m.Local() || m.Suspended() || ties.Blocking[m.ID] || ties.BlockedBy[m.ID] {
			continue
		}
		if m.SharedInboxURI != nil && *m.SharedInboxURI != "" {
			candidates = append(candidates, *m.SharedInboxURI)
		} else if m.InboxURI != nil {
			candidates = append(candidates, *m.InboxURI)
		}
	}
	var out []string
	for _, inbox := range dedupe(candidates) {
		if f.isLocal(inbox) {
			continue
		}
		ok, err := f.AllowedHost(ctx, hostOf(inbox))
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, inbox)
		}
	}
	return out, nil
}
