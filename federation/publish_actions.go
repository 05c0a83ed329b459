package federation

import (
	"context"
	"strconv"

	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/federation/delivery"
	"github.com/rounds-md/rounds/storage"
)

// publishAction sends what a local account did to a status: Like and
// Undo{Like} to a remote author; Announce and Undo{Announce} to the
// booster's followers and the author; Update{Note} of an edited status to
// its audience; votes and poll updates (publish_poll.go). It reports
// whether ev was one of these.
func (f *Federator) publishAction(ctx context.Context, tx *storage.Store, ev outbox.Event) (bool, error) {
	switch e := ev.(type) {
	case outbox.Favourited:
		return true, f.publishLike(ctx, tx, e.Account, e.Author, e.Status)
	case outbox.Unfavourited:
		return true, f.publishUnlike(ctx, tx, e)
	case outbox.Reblogged:
		return true, f.publishAnnounce(ctx, tx, e.Account, e.Author, e.Status, e.Boost, false)
	case outbox.Unreblogged:
		return true, f.publishAnnounce(ctx, tx, e.Account, e.Author, e.Status, e.Boost, true)
	case outbox.StatusUpdated:
		return true, f.publishUpdate(ctx, tx, e)
	case outbox.Voted:
		return true, f.publishVote(ctx, tx, e)
	case outbox.PollClosed:
		return true, f.publishPollClosed(ctx, tx, e)
	}
	return false, nil
}

// publishLike sends Like of a remote author's status, and records the
// Like's id with the favourite, so that the Undo{Like} can name it.
func (f *Federator) publishLike(ctx context.Context, tx *storage.Store, a, author *storage.Account, st *storage.Status) error {
	if !a.Local() || author.Local() || st.URI == nil {
		return nil
	}
	actor := f.actorURI(a)
	id := actor + "#likes/" + strconv.FormatInt(tx.NewID(), 10)
	if err := tx.SetFavouriteURI(ctx, a.ID, st.ID, id); err != nil {
		return err
	}
	return f.sendTo(ctx, tx, a, author, map[string]any{"id": id, "type": "Like", "actor": actor, "object": *st.URI})
}

// publishUnlike sends Undo{Like} of a remote author's status, embedding
// the Like with the id it was sent with (as Mastodon does), so that
// receivers that match the undone Like by id find it. A favourite made
// before its Like's id was recorded has none to give: its Like is
// embedded without one, and receivers match it by actor and object.
func (f *Federator) publishUnlike(ctx context.Context, tx *storage.Store, e outbox.Unfavourited) error {
	if !e.Account.Local() || e.Author.Local() || e.Status.URI == nil {
		return nil
	}
	actor := f.actorURI(e.Account)
	like := map[string]any{"type": "Like", "actor": actor, "object": *e.Status.URI}
	id := e.LikeURI
	if id != "" {
		like["id"] = id
	} else {
		id = actor + "#likes/" + strconv.FormatInt(tx.NewID(), 10)
	}
	return f.sendTo(ctx, tx, e.Account, e.Author, map[string]any{"id": id + "/undo", "type": "Undo", "actor": actor, "object": like})
}

// publishAnnounce sends Announce (or Undo{Announce}) of a boost to the
// booster's remote followers and to the status's remote author.
func (f *Federator) publishAnnounce(ctx context.Context, tx *storage.Store, a, author *storage.Account, st, boost *storage.Status, undo bool) error {
	if !a.Local() || boost == nil {
		return nil
	}
	objectID := f.statusURI(st, author)
	if objectID == "" {
		return nil
	}
	actor := f.actorURI(a)
	followers := LocalActorURLs(f.inst, a).Followers
	authorURI := f.actorURI(author)
	var to, cc []string
	switch visibility.Visibility(boost.Visibility) {
	case visibility.Public:
		to, cc = []string{PublicCollection}, dedupe([]string{authorURI, followers})
	case visibility.Unlisted:
		to, cc = []string{followers}, dedupe([]string{PublicCollection, authorURI})
	default:
		to, cc = []string{followers}, dedupe([]string{authorURI})
	}
	id := StatusURI(actor, boost.ID) + "/activity"
	act := map[string]any{
		"id": id, "type": "Announce", "actor": actor, "published": xsdTime(boost.CreatedAt),
		"to": to, "cc": cc, "object": objectID,
	}
	if undo {
		act = map[string]any{"id": id + "#undo", "type": "Undo", "actor": actor, "to": to, "cc": cc, "object": act}
	}
	mentions := []*storage.Account{}
	if !author.Local() {
		mentions = append(mentions, author)
	}
	inboxes, err := f.statusInboxes(ctx, tx, a, boost, mentions)
	if err != nil {
		return err
	}
	return f.fanOut(ctx, tx, a, act, inboxes, job.PriorityDefault)
}

// publishUpdate sends Update{Note} of an edited local status to the
// audience its Create went to.
func (f *Federator) publishUpdate(ctx context.Context, tx *storage.Store, e outbox.StatusUpdated) error {
	if !e.Author.Local() || !e.Status.Local || e.Status.ReblogOfID != nil {
		return nil
	}
	inboxes, err := f.statusInboxes(ctx, tx, e.Author, e.Status, e.Mentions)
	if err != nil || len(inboxes) == 0 {
		return err
	}
	parent, err := f.parentURI(ctx, tx, e.Status)
	if err != nil {
		return err
	}
	nd := noteData{Author: e.Author, Status: e.Status, Mentions: e.Mentions, Tags: e.Tags, InReplyTo: parent}
	if nd.Poll, err = pollOf(ctx, tx, e.Status.ID); err != nil {
		return err
	}
	note, to, cc := f.note(nd)
	stamp := e.Status.UpdatedAt
	if e.Status.EditedAt != nil {
		stamp = *e.Status.EditedAt
	}
	act := map[string]any{
		"id":   note["id"].(string) + "#updates/" + strconv.FormatInt(stamp.UnixMilli(), 10),
		"type": "Update", "actor": f.actorURI(e.Author), "to": to, "cc": cc, "object": note,
	}
	return f.fanOut(ctx, tx, e.Author, act, inboxes, job.PriorityDefault)
}

// fanOut enqueues one activity by a local account to several inboxes.
func (f *Federator) fanOut(ctx context.Context, tx *storage.Store, from *storage.Account, act map[string]any, inboxes []string, prio job.Priority) error {
	if len(inboxes) == 0 {
		return nil
	}
	body, err := encode(withContext(act))
	if err != nil {
		return err
	}
	if len(inboxes) > bulkFanOut {
		prio = job.PriorityBulk
	}
	key := LocalActorURLs(f.inst, from).Key
	for _, inbox := range inboxes {
		if err := f.delivery.Enqueue(ctx, tx, delivery.Delivery{AccountID: from.ID, KeyID: key, Inbox: inbox, Activity: body, Priority: prio}); err != nil {
			return err
		}
	}
	return nil
}
