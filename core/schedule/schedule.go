package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/core/poll"
	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/storage"
)

// The rules of scheduling, as Mastodon's.
const (
	// MinLead is how far ahead a status must be scheduled.
	MinLead = 5 * time.Minute
	// TotalLimit caps an account's waiting scheduled statuses.
	TotalLimit = 300
	// DailyLimit caps those due on one (UTC) day.
	DailyLimit = 25
)

// PublishKind is the job kind that publishes a scheduled status.
const PublishKind = "status.scheduled"

// Scheduled is a status waiting to be published.
type Scheduled struct {
	ID          int64
	AccountID   int64
	ScheduledAt time.Time
	// Draft is the status to publish (no Hooks); Poll its poll, if any.
	Draft post.Draft
	Poll  *poll.Draft
	// Media are the author's uploads the draft names, in its order (those
	// still there).
	Media []storage.MediaAttachment
}

// params is how a scheduled status's draft is stored (JSON).
type params struct {
	Text           string      `json:"text"`
	SpoilerText    string      `json:"spoiler_text,omitempty"`
	Sensitive      *bool       `json:"sensitive,omitempty"`
	Visibility     string      `json:"visibility,omitempty"`
	Language       string      `json:"language,omitempty"`
	InReplyToID    int64       `json:"in_reply_to_id,omitempty"`
	MediaIDs       []string    `json:"media_ids,omitempty"`
	ApplicationID  *int64      `json:"application_id,omitempty"`
	IdempotencyKey string      `json:"idempotency,omitempty"`
	Poll           *pollParams `json:"poll,omitempty"`
}

type pollParams struct {
	Options    []string `json:"options"`
	ExpiresIn  int64    `json:"expires_in"` // seconds
	Multiple   bool     `json:"multiple"`
	HideTotals bool     `json:"hide_totals"`
}

// Service keeps and publishes scheduled statuses over a Store.
type Service struct {
	store *storage.Store
	posts *post.Service
	polls *poll.Service
	jobs  *job.Queue
	log   *slog.Logger
}

// New returns a Service and registers its publishing job with jobs. posts
// must be wired as the API's (media, publisher): scheduled statuses are
// published through it.
func New(store *storage.Store, posts *post.Service, polls *poll.Service, jobs *job.Queue, log *slog.Logger) (*Service, error) {
	s := &Service{store: store, posts: posts, polls: polls, jobs: jobs, log: log}
	err := jobs.Register(job.Kind{
		Name: PublishKind, Handler: s.handlePublish, MaxAttempts: 10, Priority: job.PriorityInteractive,
		Backoff: job.Exponential(5*time.Second, 30*time.Minute),
	})
	if err != nil {
		return nil, fmt.Errorf("schedule: %w", err)
	}
	return s, nil
}

// Schedule keeps d (with its poll pd, when not nil) to be published by
// author at at, after checking it as Create would.
func (s *Service) Schedule(ctx context.Context, author *storage.Account, d post.Draft, pd *poll.Draft, at time.Time) (*Scheduled, error) {
	at = at.UTC().Truncate(time.Millisecond)
	keyHash := post.IdempotencyHash(d.IdempotencyKey)
	if ss, err := s.idempotent(ctx, author, keyHash); err != nil || ss != nil {
		return ss, err
	}
	if err := s.checkTime(ctx, author, at, 0); err != nil {
		return nil, fmt.Errorf("schedule: %w", err)
	}
	d.Hooks = nil
	if pd != nil {
		check := d
		if err := s.polls.Attach(&check, *pd); err != nil {
			return nil, fmt.Errorf("schedule: %w", err)
		}
	}
	if err := s.posts.Check(ctx, author, d); err != nil {
		return nil, fmt.Errorf("schedule: %w", err)
	}
	raw, err := json.Marshal(toParams(d, pd))
	if err != nil {
		return nil, fmt.Errorf("schedule: %w", err)
	}
	ss := &storage.ScheduledStatus{AccountID: author.ID, ScheduledAt: at, Params: string(raw)}
	if keyHash != "" {
		ss.IdempotencyKeyHash = &keyHash
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		if keyHash != "" {
			if err := tx.ForgetScheduledIdempotencyKey(ctx, author.ID, keyHash, time.Now().Add(-post.IdempotencyWindow)); err != nil {
				return err
			}
		}
		if err := tx.InsertScheduledStatus(ctx, ss); err != nil {
			return err
		}
		return s.enqueue(ctx, tx, ss.ID, 0, at)
	})
	if keyHash != "" && errors.Is(err, storage.ErrConflict) {
		// Another request with the same key won the race.
		if ss, err := s.idempotent(ctx, author, keyHash); err != nil || ss != nil {
			return ss, err
		}
	}
	if err != nil {
		return nil, fmt.Errorf("schedule: %w", err)
	}
	s.log.InfoContext(ctx, "status scheduled", "scheduled_status_id", ss.ID, "account_id", author.ID)
	return s.hydrate(ctx, ss)
}

// idempotent returns author's scheduled status made with the same
// Idempotency-Key (keyHash) within post.IdempotencyWindow, or nil.
func (s *Service) idempotent(ctx context.Context, author *storage.Account, keyHash string) (*Scheduled, error) {
	if keyHash == "" {
		return nil, nil
	}
	ss, err := s.store.IdempotentScheduledStatus(ctx, author.ID, keyHash, time.Now().Add(-post.IdempotencyWindow))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("schedule: idempotency: %w", err)
	}
	return s.hydrate(ctx, ss)
}

// checkTime applies the lead time and the limits to a (re)scheduling at
// at; except is the scheduled status being moved (0 for a new one).
func (s *Service) checkTime(ctx context.Context, author *storage.Account, at time.Time, except int64) error {
	if at.Before(time.Now().Add(MinLead)) {
		return core.Invalid("Scheduled at", "must be at least 5 minutes in the future")
	}
	total, err := s.store.CountScheduledStatuses(ctx, author.ID, time.Time{}, time.Time{}, except)
	if err != nil {
		return err
	}
	if total >= TotalLimit {
		return core.Invalid("", "You have exceeded the limit of scheduled posts")
	}
	day := at.Truncate(24 * time.Hour)
	daily, err := s.store.CountScheduledStatuses(ctx, author.ID, day, day.Add(24*time.Hour), except)
	if err != nil {
		return err
	}
	if daily >= DailyLimit {
		return core.Invalid("", "You have exceeded the daily limit of scheduled posts")
	}
	return nil
}

// enqueue schedules the publishing job of one revision of a scheduled
// status.
func (s *Service) enqueue(ctx context.Context, tx *storage.Store, id int64, revision int, at time.Time) error {
	_, err := s.jobs.Enqueue(ctx, tx, PublishKind, publishArgs{ID: id, Revision: revision},
		job.Options{RunAt: at, Key: jobKey(id, revision)})
	return err
}

// jobKey names the publishing job of one revision of a scheduled status.
func jobKey(id int64, revision int) string {
	return strconv.FormatInt(id, 10) + "." + strconv.Itoa(revision)
}

// List pages through author's scheduled statuses, newest first.
func (s *Service) List(ctx context.Context, author *storage.Account, p storage.Page) ([]Scheduled, error) {
	rows, err := s.store.ScheduledStatuses(ctx, author.ID, p)
	if err != nil {
		return nil, fmt.Errorf("schedule: list: %w", err)
	}
	out := make([]Scheduled, 0, len(rows))
	for i := range rows {
		sc, err := s.hydrate(ctx, &rows[i])
		if err != nil {
			return nil, fmt.Errorf("schedule: list: %w", err)
		}
		out = append(out, *sc)
	}
	return out, nil
}

// Get returns author's scheduled status with that ID; ErrNotFound for
// anyone else's.
func (s *Service) Get(ctx context.Context, author *storage.Account, id int64) (*Scheduled, error) {
	ss, err := s.own(ctx, s.store, author, id)
	if err != nil {
		return nil, fmt.Errorf("schedule: %w", err)
	}
	return s.hydrate(ctx, ss)
}

// hydrate reads a stored scheduled status with its uploads.
func (s *Service) hydrate(ctx context.Context, ss *storage.ScheduledStatus) (*Scheduled, error) {
	sc, err := fromRow(ss)
	if err != nil || len(sc.Draft.MediaIDs) == 0 {
		return sc, err
	}
	ids := make([]int64, 0, len(sc.Draft.MediaIDs))
	for _, raw := range sc.Draft.MediaIDs {
		if id, err := strconv.ParseInt(raw, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	rows, err := s.store.MediaByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]storage.MediaAttachment, len(rows))
	for _, m := range rows {
		if m.AccountID == ss.AccountID {
			byID[m.ID] = m
		}
	}
	for _, id := range ids {
		if m, ok := byID[id]; ok {
			sc.Media = append(sc.Media, m)
		}
	}
	return sc, nil
}

func (s *Service) own(ctx context.Context, store *storage.Store, author *storage.Account, id int64) (*storage.ScheduledStatus, error) {
	ss, err := store.ScheduledStatusByID(ctx, id)
	if err == nil && ss.AccountID != author.ID {
		err = storage.ErrNotFound
	}
	if errors.Is(err, storage.ErrNotFound) {
		return nil, core.Errorf(core.ErrNotFound, "Record not found")
	}
	return ss, err
}

// Reschedule moves author's scheduled status to at, under the same rules
// as Schedule. The job for the old time is cancelled; were it already
// running, it finds the revision changed and publishes nothing.
func (s *Service) Reschedule(ctx context.Context, author *storage.Account, id int64, at time.Time) (*Scheduled, error) {
	at = at.UTC().Truncate(time.Millisecond)
	old, err := s.own(ctx, s.store, author, id)
	if err != nil {
		return nil, fmt.Errorf("schedule: reschedule: %w", err)
	}
	if err := s.checkTime(ctx, author, at, id); err != nil {
		return nil, fmt.Errorf("schedule: reschedule: %w", err)
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		rev, err := tx.RescheduleStatus(ctx, author.ID, id, at)
		if errors.Is(err, storage.ErrNotFound) {
			return core.Errorf(core.ErrNotFound, "Record not found") // published meanwhile
		}
		if err != nil {
			return err
		}
		if err := s.jobs.Cancel(ctx, tx, PublishKind, jobKey(id, old.Revision)); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		return s.enqueue(ctx, tx, id, rev, at)
	})
	if err != nil {
		return nil, fmt.Errorf("schedule: reschedule: %w", err)
	}
	return s.Get(ctx, author, id)
}

// Cancel deletes author's scheduled status and its job.
func (s *Service) Cancel(ctx context.Context, author *storage.Account, id int64) error {
	err := s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		ss, err := s.own(ctx, tx, author, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteScheduledStatus(ctx, author.ID, id, -1); err != nil {
			return err
		}
		if err := s.jobs.Cancel(ctx, tx, PublishKind, jobKey(id, ss.Revision)); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("schedule: cancel: %w", err)
	}
	return nil
}

// toParams is what is stored of a draft.
func toParams(d post.Draft, pd *poll.Draft) params {
	p := params{
		Text: d.Text, SpoilerText: d.SpoilerText, Sensitive: d.Sensitive, Visibility: d.Visibility,
		Language: d.Language, InReplyToID: d.InReplyToID, MediaIDs: d.MediaIDs, ApplicationID: d.ApplicationID,
		IdempotencyKey: d.IdempotencyKey,
	}
	if pd != nil {
		p.Poll = &pollParams{Options: pd.Options, ExpiresIn: int64(pd.ExpiresIn / time.Second), Multiple: pd.Multiple, HideTotals: pd.HideTotals}
	}
	return p
}

// fromRow reads a stored scheduled status.
func fromRow(ss *storage.ScheduledStatus) (*Scheduled, error) {
	var p params
	if err := json.Unmarshal([]byte(ss.Params), &p); err != nil {
		return nil, fmt.Errorf("scheduled status %d: params: %w", ss.ID, err)
	}
	out := &Scheduled{
		ID: ss.ID, AccountID: ss.AccountID, ScheduledAt: ss.ScheduledAt.UTC(),
		Draft: post.Draft{
			Text: p.Text, SpoilerText: p.SpoilerText, Sensitive: p.Sensitive, Visibility: p.Visibility,
			Language: p.Language, InReplyToID: p.InReplyToID, MediaIDs: p.MediaIDs, ApplicationID: p.ApplicationID,
			IdempotencyKey: p.IdempotencyKey,
		},
	}
	if p.Poll != nil {
		out.Poll = &poll.Draft{Options: p.Poll.Options, ExpiresIn: time.Duration(p.Poll.ExpiresIn) * time.Second,
			Multiple: p.Poll.Multiple, HideTotals: p.Poll.HideTotals}
	}
	return out, nil
}
