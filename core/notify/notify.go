package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/filter"
	"github.com/rounds-md/rounds/core/marker"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/storage"
)

// Type is what happened, as Mastodon names notification types.
type Type string

// The notification types Rounds creates or will create.
const (
	Mention       Type = "mention"
	Status        Type = "status"
	Reblog        Type = "reblog"
	Follow        Type = "follow"
	FollowRequest Type = "follow_request"
	Favourite     Type = "favourite"
	Poll          Type = "poll"
	Update        Type = "update"
	// AdminSignUp tells staff that an account was created (Account is
	// the new account).
	AdminSignUp Type = "admin.sign_up"
	// AdminReport tells staff that a report was filed (Account is the
	// reporter; the notification carries the report).
	AdminReport Type = "admin.report"
)

// adminTypes are told to staff only. They are not filterable, as
// Mastodon's are not: a moderator who blocked or muted an account still
// learns of its reports and of what it reports.
var adminTypes = map[Type]bool{AdminSignUp: true, AdminReport: true}

// withStatus lists the types that are about a status; a notification of
// such a type whose status is gone or hidden is not shown.
var withStatus = map[Type]bool{Mention: true, Status: true, Reblog: true, Favourite: true, Poll: true, Update: true}

// Create records that fromID did t to recipient, about statusID (0 for
// none). Run it with the Store of the transaction that performs the
// action. It does nothing for a remote recipient (their server notifies
// them), for self-notifications, when the recipient blocks fromID or mutes
// its notifications, or when the recipient muted the conversation statusID
// belongs to.
func Create(ctx context.Context, tx *storage.Store, t Type, recipient *storage.Account, fromID, statusID int64) error {
	if recipient == nil || !recipient.Local() || recipient.ID == fromID {
		return nil
	}
	if adminTypes[t] {
		return fmt.Errorf("notify: %s is for staff: use Staff", t)
	}
	n := &storage.Notification{AccountID: recipient.ID, FromAccountID: fromID, Type: string(t)}
	if statusID != 0 {
		n.StatusID = &statusID
	}
	// The block, mute and conversation-mute checks and the insert are one
	// statement.
	if _, err := tx.InsertNotificationUnlessMuted(ctx, n, time.Now()); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}

// Staff tells every admin and moderator (storage.LocalStaff) that fromID
// did t (AdminSignUp or AdminReport, with reportID), except fromID
// itself. Run it with the Store of the transaction that performs the
// action.
func Staff(ctx context.Context, tx *storage.Store, t Type, fromID, reportID int64) error {
	if !adminTypes[t] {
		return fmt.Errorf("notify: %s is not for staff", t)
	}
	staff, err := tx.LocalStaff(ctx)
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	for _, a := range staff {
		if a.ID == fromID {
			continue
		}
		n := &storage.Notification{AccountID: a.ID, FromAccountID: fromID, Type: string(t)}
		if reportID != 0 {
			n.ReportID = &reportID
		}
		if err := tx.InsertNotification(ctx, n); err != nil {
			return fmt.Errorf("notify: %w", err)
		}
	}
	return nil
}

// Item is a notification as its recipient sees it.
type Item struct {
	storage.Notification
	Account profile.Account
	// Status is the status it is about, nil for follows.
	Status *timeline.Status
	// Report is the report of an admin.report, nil otherwise.
	Report *Report
}

// Report is a report as staff see it: the row and the reported account.
type Report struct {
	storage.Report
	Target profile.Account
}

// Result is a page of notifications with the max_id of the next page and
// the min_id of the previous one (zero when nothing was read).
type Result struct {
	Items      []Item
	Next, Prev int64
}

// Service reads and dismisses notifications over a Store.
type Service struct {
	store     *storage.Store
	profiles  *profile.Service
	timelines *timeline.Service
}

// New returns a Service.
func New(store *storage.Store, profiles *profile.Service, timelines *timeline.Service) *Service {
	return &Service{store: store, profiles: profiles, timelines: timelines}
}

// List reads a page of viewer's notifications, newest first. Those whose
// account is not shown, or whose status is gone or not visible to viewer,
// are left out.
func (s *Service) List(ctx context.Context, viewer *storage.Account, f storage.NotificationFilter, p storage.Page) (Result, error) {
	rows, err := s.store.Notifications(ctx, viewer.ID, f, p)
	if err != nil {
		return Result{}, fmt.Errorf("notify: list: %w", err)
	}
	res := Result{Items: []Item{}}
	if len(rows) > 0 {
		res.Prev, res.Next = rows[0].ID, rows[len(rows)-1].ID
	}
	items, err := s.hydrate(ctx, viewer, rows)
	if err != nil {
		return res, err
	}
	res.Items = items
	return res, nil
}

// Get returns one of viewer's notifications; ErrNotFound when it is not
// theirs, or no longer shown.
func (s *Service) Get(ctx context.Context, viewer *storage.Account, id int64) (*Item, error) {
	n, err := s.store.NotificationByID(ctx, viewer.ID, id)
	if err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return nil, fmt.Errorf("notify: %w", core.Errorf(core.ErrNotFound, "Record not found"))
		}
		return nil, fmt.Errorf("notify: %w", err)
	}
	items, err := s.hydrate(ctx, viewer, []storage.Notification{*n})
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("notify: %w", core.Errorf(core.ErrNotFound, "Record not found"))
	}
	return &items[0], nil
}

// Dismiss removes one of viewer's notifications.
func (s *Service) Dismiss(ctx context.Context, viewer *storage.Account, id int64) error {
	if err := s.store.DeleteNotification(ctx, viewer.ID, id); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("notify: %w", core.Errorf(core.ErrNotFound, "Record not found"))
		}
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}

// Clear removes all of viewer's notifications.
func (s *Service) Clear(ctx context.Context, viewer *storage.Account) error {
	return s.store.DeleteNotifications(ctx, viewer.ID)
}

// UnreadCount counts viewer's notifications matching f that are newer
// than the notifications read marker (all of them when there is none), up
// to limit, as Mastodon's unread_count does.
func (s *Service) UnreadCount(ctx context.Context, viewer *storage.Account, f storage.NotificationFilter, limit int) (int, error) {
	m, err := s.store.MarkersOf(ctx, viewer.ID, []string{marker.Notifications})
	if err != nil {
		return 0, fmt.Errorf("notify: unread count: %w", err)
	}
	f.NewerThan = m[marker.Notifications].LastReadID
	n, err := s.store.CountNotifications(ctx, viewer.ID, f, limit)
	if err != nil {
		return 0, fmt.Errorf("notify: unread count: %w", err)
	}
	return n, nil
}

func (s *Service) hydrate(ctx context.Context, viewer *storage.Account, rows []storage.Notification) ([]Item, error) {
	out := []Item{}
	if len(rows) == 0 {
		return out, nil
	}
	var fromIDs, statusIDs, reportIDs []int64
	admin := false
	for _, n := range rows {
		fromIDs = append(fromIDs, n.FromAccountID)
		if n.StatusID != nil {
			statusIDs = append(statusIDs, *n.StatusID)
		}
		if n.ReportID != nil {
			reportIDs = append(reportIDs, *n.ReportID)
		}
		admin = admin || adminTypes[Type(n.Type)]
	}
	staff := false
	if admin {
		var err error
		if staff, err = s.store.IsStaff(ctx, viewer.ID); err != nil {
			return nil, fmt.Errorf("notify: %w", err)
		}
	}
	if !staff {
		reportIDs = nil // staff's notifications stop showing when the role goes
	}
	reports, err := s.store.ReportsByIDs(ctx, reportIDs)
	if err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	accts, err := s.profiles.LoadIDs(ctx, fromIDs)
	if err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	var staffAccts map[int64]profile.Account
	if staff {
		if staffAccts, err = s.staffAccounts(ctx, rows, reports, accts); err != nil {
			return nil, err
		}
	}
	sts, err := s.store.StatusesByIDs(ctx, statusIDs)
	if err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	visible, err := s.timelines.Visible(ctx, viewer, sts)
	if err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	byID := map[int64]*timeline.Status{}
	for i := range visible {
		byID[visible[i].ID] = &visible[i]
	}
	muted, err := s.mutedSenders(ctx, viewer)
	if err != nil {
		return nil, err
	}
	for _, n := range rows {
		t := Type(n.Type)
		a, ok := accts[n.FromAccountID]
		if adminTypes[t] {
			a, ok = staffAccts[n.FromAccountID] // none unless viewer is staff
		}
		if !ok || (muted[n.FromAccountID] && !adminTypes[t]) {
			continue
		}
		it := Item{Notification: n, Account: a}
		if n.StatusID != nil {
			it.Status = byID[*n.StatusID]
		}
		if withStatus[t] && it.Status == nil {
			continue // a client cannot render it; drop it
		}
		if it.Status != nil && filter.Hidden(it.Status.Filtered, filter.Notifications) {
			continue // the viewer's own "hide" filter
		}
		if t == AdminReport {
			r, ok := reports[ptrID(n.ReportID)]
			target, known := staffAccts[r.TargetAccountID]
			if !ok || !known {
				continue // the report, or its account, is gone
			}
			it.Report = &Report{Report: r, Target: target}
		}
		out = append(out, it)
	}
	return out, nil
}

// staffAccounts loads the accounts that staff's notifications show: the
// new account of an admin.sign_up, the reporter and the reported account
// of an admin.report. Unlike other notifications', they are shown even
// when suspended, or when the reporter is another server's instance actor
// (a forwarded Flag): moderators need to see who they are about.
func (s *Service) staffAccounts(ctx context.Context, rows []storage.Notification, reports map[int64]storage.Report, shown map[int64]profile.Account) (map[int64]profile.Account, error) {
	out := map[int64]profile.Account{}
	var missing []int64
	want := func(id int64) {
		if a, ok := shown[id]; ok {
			out[id] = a
		} else {
			missing = append(missing, id)
		}
	}
	for _, n := range rows {
		if adminTypes[Type(n.Type)] {
			want(n.FromAccountID)
		}
	}
	for _, r := range reports {
		want(r.TargetAccountID)
	}
	if len(missing) == 0 {
		return out, nil
	}
	m, err := s.store.AccountsByIDs(ctx, missing)
	if err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	accts := make([]*storage.Account, 0, len(m))
	for _, a := range m {
		accts = append(accts, a)
	}
	loaded, err := s.profiles.Load(ctx, accts)
	if err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	for _, a := range loaded {
		out[a.ID] = a
	}
	return out, nil
}

func ptrID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
