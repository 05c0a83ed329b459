package poll

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/storage"
)

// The limits of a poll, as Mastodon's defaults (the instance documents
// advertise them).
const (
	MinOptions     = 2
	MaxOptions     = 4
	MaxOptionChars = 50
	MinExpiresIn   = 5 * time.Minute
	MaxExpiresIn   = 2629746 * time.Second // a month
)

// CloseKind is the job kind that closes a poll at its end.
const CloseKind = "poll.close"

// Draft is a poll as a client submits it with a status.
type Draft struct {
	Options    []string
	ExpiresIn  time.Duration
	Multiple   bool
	HideTotals bool
}

// Validate checks d against the limits.
func (d Draft) Validate() error {
	switch {
	case len(d.Options) < MinOptions:
		return core.Invalid("Poll options", "must have more than one item")
	case len(d.Options) > MaxOptions:
		return core.Invalid("Poll options", fmt.Sprintf("can't contain more than %d items", MaxOptions))
	}
	seen := map[string]bool{}
	for _, o := range d.Options {
		o = strings.TrimSpace(o)
		switch {
		case o == "":
			return core.Invalid("Poll options", "can't be blank")
		case !utf8.ValidString(o):
			return core.Invalid("Poll options", "are not valid UTF-8")
		case utf8.RuneCountInString(o) > MaxOptionChars:
			return core.Invalid("Poll options", fmt.Sprintf("cannot be longer than %d characters each", MaxOptionChars))
		case seen[o]:
			return core.Invalid("Poll options", "contain duplicate items")
		}
		seen[o] = true
	}
	switch {
	case d.ExpiresIn == 0:
		return core.Invalid("Poll expires at", "can't be blank")
	case d.ExpiresIn < MinExpiresIn:
		return core.Invalid("Poll expires at", "is too soon")
	case d.ExpiresIn > MaxExpiresIn:
		return core.Invalid("Poll expires at", "is too far into the future")
	}
	return nil
}

// Service runs polls over a Store.
type Service struct {
	store     *storage.Store
	timelines *timeline.Service
	jobs      *job.Queue
	log       *slog.Logger
	// pub hears of votes (WithPublisher).
	pub outbox.Publisher
}

// New returns a Service and registers its closing job with jobs.
func New(store *storage.Store, timelines *timeline.Service, jobs *job.Queue, log *slog.Logger) (*Service, error) {
	s := &Service{store: store, timelines: timelines, jobs: jobs, log: log}
	err := jobs.Register(job.Kind{
		Name: CloseKind, Handler: s.handleClose, MaxAttempts: 10,
		Backoff: job.Exponential(5*time.Second, 30*time.Minute),
	})
	if err != nil {
		return nil, fmt.Errorf("poll: %w", err)
	}
	return s, nil
}

// WithPublisher makes s tell p about votes, inside each vote's
// transaction (federation sends them to a remote poll's server). Call it
// once while wiring, before s is used.
func (s *Service) WithPublisher(p outbox.Publisher) *Service {
	s.pub = p
	return s
}

// Attach checks pd against d (no poll with media) and adds to d the hook
// that stores the poll with the status and schedules its closing, from
// the moment the status is stored.
func (s *Service) Attach(d *post.Draft, pd Draft) error {
	if len(d.MediaIDs) > 0 {
		return core.Invalid("", "Cannot attach both media and a poll to a status")
	}
	if err := pd.Validate(); err != nil {
		return err
	}
	d.Hooks = append(d.Hooks, func(ctx context.Context, tx *storage.Store, st *storage.Status) error {
		end := time.Now().Add(pd.ExpiresIn).UTC().Truncate(time.Millisecond)
		p := &storage.Poll{StatusID: st.ID, AccountID: st.AccountID, Multiple: pd.Multiple, HideTotals: pd.HideTotals, ExpiresAt: &end}
		for _, o := range pd.Options {
			p.Options = append(p.Options, storage.PollOption{Title: strings.TrimSpace(o)})
		}
		if err := tx.InsertPoll(ctx, p); err != nil {
			return err
		}
		_, err := s.jobs.Enqueue(ctx, tx, CloseKind, closeArgs{PollID: p.ID}, job.Options{RunAt: end, Key: strconv.FormatInt(p.ID, 10)})
		return err
	})
	return nil
}

// Get returns the poll with that ID as viewer (nil for anonymous) sees
// it; ErrNotFound when viewer may not see its status.
func (s *Service) Get(ctx context.Context, viewer *storage.Account, id int64) (*timeline.Poll, error) {
	_, st, err := s.load(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	return st.Poll, nil
}

// load returns a poll and its status as viewer sees it.
func (s *Service) load(ctx context.Context, viewer *storage.Account, id int64) (*storage.Poll, *timeline.Status, error) {
	p, err := s.store.PollByID(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil, fmt.Errorf("poll: %w", core.Errorf(core.ErrNotFound, "Record not found"))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("poll: %w", err)
	}
	st, err := s.timelines.Get(ctx, viewer, p.StatusID)
	if err != nil {
		return nil, nil, fmt.Errorf("poll: %w", err) // ErrNotFound: not in its audience
	}
	if st.Poll == nil {
		return nil, nil, fmt.Errorf("poll: %w", core.Errorf(core.ErrNotFound, "Record not found"))
	}
	return p, st, nil
}

// Vote records voter's choices (option indexes) in the poll: once, one
// option unless the poll allows several, before its end, never on the
// voter's own poll; ErrNotFound when voter may not see its status.
func (s *Service) Vote(ctx context.Context, voter *storage.Account, id int64, choices []int) (*timeline.Poll, error) {
	p, st, err := s.load(ctx, voter, id)
	if err != nil {
		return nil, err
	}
	if err := checkVote(p, voter, choices, time.Now()); err != nil {
		return nil, fmt.Errorf("poll: vote: %w", err)
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		if err := tx.InsertPollVote(ctx, p.ID, voter.ID, choices); err != nil {
			return err
		}
		if s.pub == nil {
			return nil
		}
		return s.pub.Publish(ctx, tx, outbox.Voted{Voter: voter, Author: st.Account.Account, Status: &st.Status, Poll: p, Choices: choices})
	})
	if err != nil {
		if errors.Is(err, storage.ErrConflict) {
			return nil, fmt.Errorf("poll: vote: %w", core.Invalid("", "You have already voted on this poll"))
		}
		return nil, fmt.Errorf("poll: vote: %w", err)
	}
	s.log.InfoContext(ctx, "poll vote", "poll_id", p.ID, "status_id", st.ID, "account_id", voter.ID)
	return s.Get(ctx, voter, id)
}

// checkVote applies the voting rules other than "once", which the store
// enforces.
func checkVote(p *storage.Poll, voter *storage.Account, choices []int, now time.Time) error {
	switch {
	case voter.ID == p.AccountID:
		return core.Invalid("", "You cannot vote in your own poll")
	case p.Expired(now):
		return core.Invalid("", "The poll has already ended")
	case len(choices) == 0:
		return core.Invalid("choices", "can't be blank")
	case len(choices) > 1 && !p.Multiple:
		return core.Invalid("", "This poll allows one choice only")
	}
	seen := map[int]bool{}
	for _, c := range choices {
		if c < 0 || c >= len(p.Options) {
			return core.Invalid("", "The chosen vote option does not exist")
		}
		if seen[c] {
			return core.Invalid("choices", "contain duplicate items")
		}
		seen[c] = true
	}
	return nil
}
