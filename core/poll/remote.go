package poll

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/storage"
)

// MaxRemoteOptions caps the options kept of a poll another server sent.
const MaxRemoteOptions = 20

// Remote is a poll as its server describes it (federation reads it from
// a Question): the options' titles in order, their tallies, whether it
// takes several choices, its end (nil when it has none) and its voters.
type Remote struct {
	Options     []string
	Counts      []int
	Multiple    bool
	ExpiresAt   *time.Time
	VotersCount int
}

// check validates r: 1 to MaxRemoteOptions options, none blank.
func (r Remote) check() error {
	if len(r.Options) == 0 || len(r.Options) > MaxRemoteOptions {
		return core.Invalid("poll", fmt.Sprintf("must have 1 to %d options", MaxRemoteOptions))
	}
	for _, o := range r.Options {
		if o == "" {
			return core.Invalid("poll", "options can't be blank")
		}
	}
	return nil
}

// row is r as a stored poll of a status by an account.
func (r Remote) row(statusID, accountID int64) *storage.Poll {
	p := &storage.Poll{StatusID: statusID, AccountID: accountID, Multiple: r.Multiple, VotersCount: max(r.VotersCount, 0)}
	if r.ExpiresAt != nil {
		at := r.ExpiresAt.UTC().Truncate(time.Millisecond)
		p.ExpiresAt = &at
	}
	for i, title := range r.Options {
		o := storage.PollOption{Title: title}
		if i < len(r.Counts) {
			o.VotesCount = max(r.Counts[i], 0)
		}
		p.VotesCount += o.VotesCount
		p.Options = append(p.Options, o)
	}
	return p
}

// ReceiveHook returns the hook that stores a received status's poll with
// it (post.Received.Hooks), and schedules its closing at its end so that
// the local voters hear of it. A poll that does not check out is an
// error, and the status is not stored.
func (s *Service) ReceiveHook(r Remote) (post.Hook, error) {
	if err := r.check(); err != nil {
		return nil, fmt.Errorf("poll: receive: %w", err)
	}
	return func(ctx context.Context, tx *storage.Store, st *storage.Status) error {
		p := r.row(st.ID, st.AccountID)
		if err := tx.InsertPoll(ctx, p); err != nil {
			return err
		}
		return s.scheduleClose(ctx, tx, p)
	}, nil
}

// scheduleClose enqueues the job that closes p at its end, if it has one
// still to come.
func (s *Service) scheduleClose(ctx context.Context, tx *storage.Store, p *storage.Poll) error {
	if p.ExpiresAt == nil || p.ClosedAt != nil {
		return nil
	}
	_, err := s.jobs.Enqueue(ctx, tx, CloseKind, closeArgs{PollID: p.ID}, job.Options{RunAt: *p.ExpiresAt, Key: strconv.FormatInt(p.ID, 10)})
	return err
}

// RefreshRemote applies what a remote poll's server now says of it (an
// Update of its Question) to the poll of statusID, which must be author's:
// tallies, voters and end. Changed options replace the old ones and drop
// the votes cast here. A status without a poll gets one.
func (s *Service) RefreshRemote(ctx context.Context, author *storage.Account, statusID int64, r Remote) error {
	if author.Local() {
		return fmt.Errorf("poll: refresh: %w", core.Errorf(core.ErrForbidden, "a local poll cannot change from another server"))
	}
	if err := r.check(); err != nil {
		return fmt.Errorf("poll: refresh: %w", err)
	}
	err := s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		st, err := tx.StatusByID(ctx, statusID)
		if err != nil || st.AccountID != author.ID {
			return core.Errorf(core.ErrNotFound, "Record not found")
		}
		old, err := tx.PollByStatusID(ctx, statusID)
		if errors.Is(err, storage.ErrNotFound) {
			hook, err := s.ReceiveHook(r)
			if err != nil {
				return err
			}
			return hook(ctx, tx, st)
		}
		if err != nil {
			return err
		}
		p := r.row(statusID, author.ID)
		p.ID, p.ClosedAt = old.ID, old.ClosedAt
		if _, err := tx.RefreshPoll(ctx, p); err != nil {
			return err
		}
		if p.ExpiresAt != nil && (old.ExpiresAt == nil || !old.ExpiresAt.Equal(*p.ExpiresAt)) {
			if err := s.jobs.Cancel(ctx, tx, CloseKind, strconv.FormatInt(p.ID, 10)); err != nil && !errors.Is(err, storage.ErrNotFound) {
				return err
			}
			return s.scheduleClose(ctx, tx, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("poll: refresh: %w", err)
	}
	return nil
}

// ReceiveVote counts a vote another server sent for voter on the poll of
// the local status statusID: the option choice, in the activity uri. The
// rules of Vote hold (voter may see the status, the poll is open, it is
// not voter's own); a poll of one choice takes one vote per voter, one of
// several takes each option once per voter (Mastodon sends a poll of
// several choices as one vote per option). A vote counted already is
// ErrConflict.
func (s *Service) ReceiveVote(ctx context.Context, voter *storage.Account, statusID int64, choice int, uri string) error {
	if voter.Local() {
		return fmt.Errorf("poll: receive vote: %w", core.Errorf(core.ErrForbidden, "a local vote cannot arrive from another server"))
	}
	p, err := s.store.PollByStatusID(ctx, statusID)
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("poll: receive vote: %w", core.Errorf(core.ErrNotFound, "Record not found"))
	}
	if err != nil {
		return fmt.Errorf("poll: receive vote: %w", err)
	}
	st, err := s.timelines.Get(ctx, voter, statusID)
	if err != nil {
		return fmt.Errorf("poll: receive vote: %w", err) // ErrNotFound: not in its audience
	}
	if !st.Account.Local() {
		return fmt.Errorf("poll: receive vote: %w", core.Errorf(core.ErrNotFound, "not a local poll"))
	}
	if err := checkVote(p, voter, []int{choice}, time.Now()); err != nil {
		return fmt.Errorf("poll: receive vote: %w", err)
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		if err := tx.AddPollChoice(ctx, p.ID, voter.ID, choice, uri, p.Multiple); err != nil {
			return err
		}
		if s.pub == nil {
			return nil
		}
		return s.pub.Publish(ctx, tx, outbox.Voted{Voter: voter, Author: st.Account.Account, Status: &st.Status, Poll: p, Choices: []int{choice}})
	})
	if errors.Is(err, storage.ErrConflict) {
		return fmt.Errorf("poll: receive vote: %w", core.Errorf(core.ErrConflict, "vote counted already"))
	}
	if err != nil {
		return fmt.Errorf("poll: receive vote: %w", err)
	}
	s.log.InfoContext(ctx, "poll vote received", "poll_id", p.ID, "status_id", statusID, "account_id", voter.ID)
	return nil
}
