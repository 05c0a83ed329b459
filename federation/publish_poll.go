package federation

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
)

// PollUpdateKind is the job kind that sends the Update of a local poll's
// Question once votes have changed its tallies.
const PollUpdateKind = "federation.poll_update"

// DefaultPollUpdateDelay is Config.PollUpdateDelay's default: the Update
// of a poll goes out at most once a minute, gathering the votes of that
// minute (Mastodon waits three).
const DefaultPollUpdateDelay = time.Minute

// pollUpdateArgs are a PollUpdateKind job's arguments.
type pollUpdateArgs struct {
	StatusID int64 `json:"status_id"`
}

// pollOf returns a status's poll, nil when it has none.
func pollOf(ctx context.Context, db *storage.Store, statusID int64) (*storage.Poll, error) {
	p, err := db.PollByStatusID(ctx, statusID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	return p, err
}

// publishVote sends a local account's vote in a remote poll to the
// poll's author, as Mastodon does: one Create{Note} per chosen option,
// named after the option, in reply to the Question, addressed to the
// author only. A vote in a local poll instead schedules the Update of
// its Question, unless the poll hides its totals until its end.
func (f *Federator) publishVote(ctx context.Context, tx *storage.Store, e outbox.Voted) error {
	if e.Author.Local() {
		return f.schedulePollUpdate(ctx, tx, e.Poll, e.Status.ID)
	}
	if !e.Voter.Local() || e.Status.URI == nil {
		return nil
	}
	voter, author := f.actorURI(e.Voter), f.actorURI(e.Author)
	for _, c := range e.Choices {
		if c < 0 || c >= len(e.Poll.Options) {
			continue
		}
		id := voter + "#votes/" + strconv.FormatInt(tx.NewID(), 10)
		note := map[string]any{
			"id": id, "type": "Note", "name": e.Poll.Options[c].Title, "attributedTo": voter,
			"to": []string{author}, "inReplyTo": *e.Status.URI,
		}
		act := map[string]any{"id": id + "/activity", "type": "Create", "actor": voter, "to": []string{author}, "object": note}
		if err := f.sendTo(ctx, tx, e.Voter, e.Author, act); err != nil {
			return err
		}
	}
	return nil
}

// schedulePollUpdate enqueues the Update of a local poll's Question at
// the end of the current PollUpdateDelay window; the votes of one window
// share one job (keyed by poll and window), and a vote arriving while a
// window's job runs belongs to the next window. A poll no other server
// has reason to hear of (no remote follower of its author, remote
// mention or remote voter) gets none.
func (f *Federator) schedulePollUpdate(ctx context.Context, tx *storage.Store, p *storage.Poll, statusID int64) error {
	if p == nil || p.HideTotals {
		return nil
	}
	if remote, err := tx.PollHasRemoteAudience(ctx, p.AccountID, statusID, p.ID); err != nil || !remote {
		return err
	}
	delay := f.cfg.PollUpdateDelay
	if delay <= 0 {
		delay = DefaultPollUpdateDelay
	}
	at := f.now().Truncate(delay).Add(delay)
	key := strconv.FormatInt(p.ID, 10) + "@" + strconv.FormatInt(at.UnixMilli(), 10)
	_, err := f.jobs.Enqueue(ctx, tx, PollUpdateKind, pollUpdateArgs{StatusID: statusID},
		job.Options{RunAt: at, Key: key, IfAbsent: true})
	return err
}

// publishPollClosed sends the final Update of a local poll's Question
// when it closes.
func (f *Federator) publishPollClosed(ctx context.Context, tx *storage.Store, e outbox.PollClosed) error {
	if !e.Author.Local() {
		return nil
	}
	return f.publishPollUpdate(ctx, tx, e.Status.ID, e.Poll)
}

// runPollUpdate runs a PollUpdateKind job.
func (f *Federator) runPollUpdate(ctx context.Context, j *job.Job) error {
	var a pollUpdateArgs
	if err := j.Decode(&a); err != nil {
		return job.Permanent(err)
	}
	return f.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		return f.publishPollUpdate(ctx, tx, a.StatusID, nil)
	})
}

// publishPollUpdate sends Update{Question} of a local status's poll (p,
// or the stored one when nil) with its tallies now, to the audience its
// Create went to and, for a public or unlisted poll, to its remote voters.
func (f *Federator) publishPollUpdate(ctx context.Context, tx *storage.Store, statusID int64, p *storage.Poll) error {
	st, err := tx.StatusByID(ctx, statusID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil // deleted since
	}
	if err != nil {
		return fmt.Errorf("federation: poll update: %w", err)
	}
	author, err := tx.AccountByID(ctx, st.AccountID)
	if err != nil {
		return fmt.Errorf("federation: poll update: %w", err)
	}
	if !author.Local() || !st.Local {
		return nil
	}
	if p == nil {
		if p, err = pollOf(ctx, tx, statusID); err != nil || p == nil {
			return err
		}
	}
	mentionIDs, err := tx.MentionIDs(ctx, []int64{statusID})
	if err != nil {
		return fmt.Errorf("federation: poll update: %w", err)
	}
	byID, err := tx.AccountsByIDs(ctx, mentionIDs[statusID])
	if err != nil {
		return fmt.Errorf("federation: poll update: %w", err)
	}
	mentions := make([]*storage.Account, 0, len(byID))
	for _, id := range mentionIDs[statusID] {
		if a, ok := byID[id]; ok {
			mentions = append(mentions, a)
		}
	}
	tags, err := tx.TagNames(ctx, []int64{statusID})
	if err != nil {
		return fmt.Errorf("federation: poll update: %w", err)
	}
	inboxes, err := f.statusInboxes(ctx, tx, author, st, mentions)
	if err != nil {
		return err
	}
	voters, err := f.voterInboxes(ctx, tx, author, st, p)
	if err != nil {
		return err
	}
	inboxes = dedupe(append(inboxes, voters...))
	if len(inboxes) == 0 {
		return nil
	}
	parent, err := f.parentURI(ctx, tx, st)
	if err != nil {
		return err
	}
	note, to, cc := f.note(noteData{Author: author, Status: st, Mentions: mentions, Tags: tags[statusID], InReplyTo: parent, Poll: p})
	act := map[string]any{
		"id":   note["id"].(string) + "#updates/" + strconv.FormatInt(f.now().UnixMilli(), 10),
		"type": "Update", "actor": f.actorURI(author), "to": to, "cc": cc, "object": note,
	}
	return f.fanOut(ctx, tx, author, act, inboxes, job.PriorityDefault)
}

// voterInboxes returns the inboxes of a public or unlisted poll's remote
// voters, who hear of its tallies as Mastodon's voters do. A poll of a
// narrower audience reaches only that audience (statusInboxes): a voter
// who has since left it must not receive the status again. Voters the
// author blocks or who block the author, suspended ones and domains the
// policy refuses are left out.
func (f *Federator) voterInboxes(ctx context.Context, tx *storage.Store, author *storage.Account, st *storage.Status, p *storage.Poll) ([]string, error) {
	switch visibility.Visibility(st.Visibility) {
	case visibility.Public, visibility.Unlisted:
	default:
		return nil, nil
	}
	ids, err := tx.PollVoterIDs(ctx, p.ID)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	voters, err := tx.AccountsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	ties, err := tx.TiesOf(ctx, author.ID, ids)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, id := range ids {
		v, ok := voters[id]
		if !ok || v.Local() || v.Suspended() || ties.Blocking[id] || ties.BlockedBy[id] {
			continue
		}
		inbox := v.InboxURI
		if v.SharedInboxURI != nil && *v.SharedInboxURI != "" {
			inbox = v.SharedInboxURI
		}
		if inbox == nil || *inbox == "" || f.isLocal(*inbox) {
			continue
		}
		if ok, err := f.AllowedHost(ctx, hostOf(*inbox)); err != nil {
			return nil, err
		} else if ok {
			out = append(out, *inbox)
		}
	}
	return out, nil
}
