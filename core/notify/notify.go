package notify

import (
	"context"
	"errors"
	"fmt"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/filter"
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
)

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
	ties, err := tx.TiesOf(ctx, recipient.ID, []int64{fromID})
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	if ties.Blocking[fromID] {
		return nil
	}
	if muted, err := mutesNotifications(ctx, tx, recipient.ID, fromID); err != nil || muted {
		return err
	}
	if statusID != 0 {
		muted, err := tx.ConversationMuted(ctx, recipient.ID, statusID)
		if err != nil {
			return fmt.Errorf("notify: %w", err)
		}
		if muted {
			return nil
		}
	}
	n := &storage.Notification{AccountID: recipient.ID, FromAccountID: fromID, Type: string(t)}
	if statusID != 0 {
		n.StatusID = &statusID
	}
	if err := tx.InsertNotification(ctx, n); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}

// Item is a notification as its recipient sees it.
type Item struct {
	storage.Notification
	Account profile.Account
	// Status is the status it is about, nil for follows.
	Status *timeline.Status
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

// UnreadCount counts viewer's notifications matching f, up to limit.
// Rounds has no read markers yet, so "unread" means every notification not
// dismissed or cleared; once markers exist it becomes those newer than
// the notifications marker.
func (s *Service) UnreadCount(ctx context.Context, viewer *storage.Account, f storage.NotificationFilter, limit int) (int, error) {
	return s.store.CountNotifications(ctx, viewer.ID, f, limit)
}

func (s *Service) hydrate(ctx context.Context, viewer *storage.Account, rows []storage.Notification) ([]Item, error) {
	out := []Item{}
	if len(rows) == 0 {
		return out, nil
	}
	var fromIDs, statusIDs []int64
	for _, n := range rows {
		fromIDs = append(fromIDs, n.FromAccountID)
		if n.StatusID != nil {
			statusIDs = append(statusIDs, *n.StatusID)
		}
	}
	accts, err := s.profiles.LoadIDs(ctx, fromIDs)
	if err != nil {
		return nil, fmt.Errorf("notify: %w", err)
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
		a, ok := accts[n.FromAccountID]
		if !ok || muted[n.FromAccountID] {
			continue
		}
		it := Item{Notification: n, Account: a}
		if n.StatusID != nil {
			it.Status = byID[*n.StatusID]
		}
		if withStatus[Type(n.Type)] && it.Status == nil {
			continue // a client cannot render it; drop it
		}
		if it.Status != nil && filter.Hidden(it.Status.Filtered, filter.Notifications) {
			continue // the viewer's own "hide" filter
		}
		out = append(out, it)
	}
	return out, nil
}
