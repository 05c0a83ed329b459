package report

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"unicode/utf8"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/notify"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
)

// The limits of a report, as Mastodon's.
const (
	// MaxComment is the longest comment, in characters.
	MaxComment = 1000
	// MaxStatuses is how many statuses one report may name.
	MaxStatuses = 100
)

// The categories of a report, as Mastodon names them.
const (
	CategorySpam      = "spam"
	CategoryLegal     = "legal"
	CategoryViolation = "violation"
	CategoryOther     = "other"
)

// Filing is a report as its reporter sends it.
type Filing struct {
	// AccountID is the reported account.
	AccountID int64
	// StatusIDs are reported statuses, each the reported account's and
	// visible to the reporter.
	StatusIDs []int64
	Comment   string
	// Category is spam, legal, violation or other ("" is other, or
	// violation when RuleIDs are given).
	Category string
	// RuleIDs are the instance rules broken. Rounds has no rules yet, so
	// any is an error.
	RuleIDs []string
	// Forward asks that a copy go to a remote account's server.
	Forward bool
}

// Service files reports over a Store.
type Service struct {
	store     *storage.Store
	profiles  *profile.Service
	timelines *timeline.Service
	pub       outbox.Publisher
	log       *slog.Logger
}

// New returns a Service that forwards nothing until WithPublisher.
func New(store *storage.Store, profiles *profile.Service, timelines *timeline.Service, log *slog.Logger) *Service {
	return &Service{store: store, profiles: profiles, timelines: timelines, pub: outbox.Nop{}, log: log}
}

// WithPublisher makes forwarded reports reach other servers through p
// (nil keeps them here) and returns s.
func (s *Service) WithPublisher(p outbox.Publisher) *Service {
	if p != nil {
		s.pub = p
	}
	return s
}

// File stores reporter's report and tells the staff. The reported account
// must be shown (ErrNotFound otherwise), and not reporter's own; each
// reported status must be the reported account's and visible to reporter
// (ErrNotFound otherwise, so a report cannot probe for statuses it may
// not see). A forwarded report of a remote account is sent to its server
// without naming reporter.
func (s *Service) File(ctx context.Context, reporter *storage.Account, f Filing) (*notify.Report, error) {
	if reporter == nil || !reporter.Local() {
		return nil, fmt.Errorf("report: %w", core.ErrForbidden)
	}
	if err := f.check(); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	target, err := s.profiles.Get(ctx, f.AccountID)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if target.ID == reporter.ID {
		return nil, fmt.Errorf("report: %w", core.Invalid("account_id", "cannot be your own account"))
	}
	statuses, err := s.reported(ctx, reporter, target.ID, f.StatusIDs)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	r := &storage.Report{
		AccountID: reporter.ID, TargetAccountID: target.ID, Comment: f.Comment, Category: f.Category,
		Forwarded: f.Forward && !target.Local(),
	}
	ids := make([]int64, len(statuses))
	for i, st := range statuses {
		ids[i] = st.ID
	}
	r.SetStatusIDs(ids)
	err = s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		if err := Record(ctx, tx, r); err != nil {
			return err
		}
		if !r.Forwarded {
			return nil
		}
		return s.pub.Publish(ctx, tx, outbox.ReportForwarded{Report: r, Target: target.Account, Statuses: statuses})
	})
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	s.log.InfoContext(ctx, "report filed", "report_id", r.ID, "target_id", target.ID, "account_id", reporter.ID, "forwarded", r.Forwarded)
	return &notify.Report{Report: *r, Target: *target}, nil
}

// check applies the rules that need no lookup, settling the category.
func (f *Filing) check() error {
	if f.AccountID == 0 {
		return core.Invalid("account_id", "is required")
	}
	if utf8.RuneCountInString(f.Comment) > MaxComment {
		return core.Invalid("comment", fmt.Sprintf("is too long (maximum is %d characters)", MaxComment))
	}
	if len(f.StatusIDs) > MaxStatuses {
		return core.Invalid("status_ids", fmt.Sprintf("must name at most %d statuses", MaxStatuses))
	}
	if len(f.RuleIDs) > 0 {
		return core.Invalid("rule_ids", "do not name rules of this server (it has none)")
	}
	switch f.Category {
	case "":
		f.Category = CategoryOther
	case CategorySpam, CategoryLegal, CategoryOther:
	case CategoryViolation:
		return core.Invalid("category", "violation needs rule_ids, and this server has no rules")
	default:
		return core.Invalid("category", "must be spam, legal, violation or other")
	}
	return nil
}

// reported returns the statuses named by ids, in that order and each
// once, checking that each is targetID's and one reporter may see. A
// block of the reported account by reporter does not hide them here: one
// often blocks whom one reports.
func (s *Service) reported(ctx context.Context, reporter *storage.Account, targetID int64, ids []int64) ([]storage.Status, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	sts, err := s.store.StatusesByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	v, err := s.timelines.Viewer(ctx, reporter, []int64{targetID})
	if err != nil {
		return nil, err
	}
	v.Blocking = nil
	mentions, err := s.store.MentionIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]storage.Status, len(sts))
	for _, st := range sts {
		p := visibility.Post{AuthorID: st.AccountID, Visibility: visibility.Visibility(st.Visibility), Mentioned: mentions[st.ID]}
		if st.AccountID == targetID && st.ReblogOfID == nil && st.DeletedAt == nil && visibility.MaySee(v, p) {
			byID[st.ID] = st
		}
	}
	out := make([]storage.Status, 0, len(ids))
	seen := map[int64]bool{}
	for _, id := range ids {
		st, ok := byID[id]
		if !ok {
			return nil, core.Errorf(core.ErrNotFound, "Record not found")
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, st)
		}
	}
	return out, nil
}

// Record stores r and tells the staff (admin.report, from r's reporter),
// in one transaction on store. Federation records a Flag with it; a
// report whose URI is already stored is storage.ErrConflict.
func Record(ctx context.Context, store *storage.Store, r *storage.Report) error {
	err := store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		if err := tx.InsertReport(ctx, r); err != nil {
			return err
		}
		return notify.Staff(ctx, tx, notify.AdminReport, r.AccountID, r.ID)
	})
	if err != nil && !errors.Is(err, storage.ErrConflict) {
		return fmt.Errorf("report: record: %w", err)
	}
	return err
}
