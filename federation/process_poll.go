package federation

import (
	"context"

	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/storage"
)

// receiveVote counts a Note that answers a local poll by naming one of
// its options, which is how Mastodon sends a vote, and reports whether n
// was such a vote; a vote is never stored as a status, counted or not
// (an ended poll, a second vote).
func (f *Federator) receiveVote(ctx context.Context, voter *storage.Account, n *Node) (bool, error) {
	if n.Type != "Note" || n.Name == "" || n.InReplyTo == "" {
		return false, nil
	}
	_, statusID, ok := f.localStatusID(n.InReplyTo)
	if !ok {
		return false, nil
	}
	p, err := pollOf(ctx, f.store, statusID)
	if err != nil || p == nil {
		return false, err
	}
	for i, o := range p.Options {
		if o.Title == n.Name {
			return true, f.polls.ReceiveVote(ctx, voter, statusID, i, n.ID)
		}
	}
	return false, nil
}

// pollHooks returns the hook that stores a received Question's poll with
// its status; none for other objects, or for a poll that does not check
// out (the status is kept without it).
func (f *Federator) pollHooks(ctx context.Context, n *Node) []post.Hook {
	if n.Poll == nil {
		return nil
	}
	hook, err := f.polls.ReceiveHook(n.Poll.remote(f.now()))
	if err != nil {
		f.log.DebugContext(ctx, "federation: poll of a received Question not kept", "reason", err)
		return nil
	}
	return []post.Hook{hook}
}

// refreshPoll applies an updated Question's tallies, voters and end to the
// stored status's poll.
func (f *Federator) refreshPoll(ctx context.Context, author *storage.Account, st *storage.Status, n *Node) error {
	if n.Poll == nil {
		return nil
	}
	return f.polls.RefreshRemote(ctx, author, st.ID, n.Poll.remote(f.now()))
}

// sameText reports whether an Update leaves a status's text, content
// warning, sensitivity and language as they are.
func sameText(st *storage.Status, e storage.StatusEdit) bool {
	sameLang := (st.Language == nil && e.Language == nil) ||
		(st.Language != nil && e.Language != nil && *st.Language == *e.Language)
	return st.Content == e.Content && st.SpoilerText == e.SpoilerText && st.Sensitive == e.Sensitive && sameLang
}
