package conversation

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/storage"
)

// Record files a new direct status into its thread's conversation for
// each local participant: the author (read) and recipients (the mentioned
// accounts, unread). Run it in the status's transaction; other
// visibilities are not conversations.
func Record(ctx context.Context, tx *storage.Store, st *storage.Status, recipients []int64) error {
	if st.Visibility != "direct" {
		return nil
	}
	if err := tx.TouchConversation(ctx, st, recipients); err != nil {
		return fmt.Errorf("conversation: %w", err)
	}
	return nil
}

// Conversation is a thread of direct statuses as one participant sees it.
type Conversation struct {
	ID     int64
	Unread bool
	// Accounts are the other participants: the newest status's author and
	// the accounts it mentions, less the viewer.
	Accounts   []profile.Account
	LastStatus timeline.Status
	// Cursor pages the list: the newest status's ID.
	Cursor int64
}

// Result is a page of conversations with the max_id of the next page and
// the min_id of the previous one (zero when nothing was read).
type Result struct {
	Conversations []Conversation
	Next, Prev    int64
}

// Service reads conversations over a Store.
type Service struct {
	store     *storage.Store
	profiles  *profile.Service
	timelines *timeline.Service
}

// New returns a Service.
func New(store *storage.Store, profiles *profile.Service, timelines *timeline.Service) *Service {
	return &Service{store: store, profiles: profiles, timelines: timelines}
}

// List reads a page of viewer's conversations, the newest status first.
// A conversation whose statuses viewer may no longer see is left out.
func (s *Service) List(ctx context.Context, viewer *storage.Account, p storage.Page) (Result, error) {
	rows, err := s.store.Conversations(ctx, viewer.ID, p)
	if err != nil {
		return Result{}, fmt.Errorf("conversation: list: %w", err)
	}
	res := Result{Conversations: []Conversation{}}
	if len(rows) > 0 {
		res.Prev, res.Next = rows[0].LastStatusID, rows[len(rows)-1].LastStatusID
	}
	convs, err := s.load(ctx, viewer, rows)
	if err != nil {
		return res, err
	}
	res.Conversations = convs
	return res, nil
}

// Read marks viewer's conversation read and returns it.
func (s *Service) Read(ctx context.Context, viewer *storage.Account, id int64) (*Conversation, error) {
	if err := s.store.MarkConversationRead(ctx, viewer.ID, id); err != nil {
		return nil, notFound(err)
	}
	row, err := s.store.ConversationByID(ctx, viewer.ID, id)
	if err != nil {
		return nil, notFound(err)
	}
	convs, err := s.load(ctx, viewer, []storage.AccountConversation{*row})
	if err != nil {
		return nil, err
	}
	if len(convs) == 0 {
		return nil, notFound(storage.ErrNotFound)
	}
	return &convs[0], nil
}

// Remove takes a conversation off viewer's list (the statuses stay); a
// new status in the thread brings it back.
func (s *Service) Remove(ctx context.Context, viewer *storage.Account, id int64) error {
	if err := s.store.DeleteConversation(ctx, viewer.ID, id); err != nil {
		return notFound(err)
	}
	return nil
}

func notFound(err error) error {
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("conversation: %w", core.Errorf(core.ErrNotFound, "Record not found"))
	}
	return fmt.Errorf("conversation: %w", err)
}

// load hydrates conversation rows for viewer, in order. A row whose
// newest status was deleted moves to the newest one left; one with none
// left, or none viewer may see, is skipped.
func (s *Service) load(ctx context.Context, viewer *storage.Account, rows []storage.AccountConversation) ([]Conversation, error) {
	out := []Conversation{}
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.LastStatusID
	}
	sts, err := s.store.StatusesByIDs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("conversation: %w", err)
	}
	present := make(map[int64]bool, len(sts))
	for _, st := range sts {
		present[st.ID] = true
	}
	var moved []int64
	for i := range rows {
		r := &rows[i]
		if present[r.LastStatusID] {
			continue
		}
		id, err := s.store.LatestDirectStatusID(ctx, viewer.ID, r.ConversationID)
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("conversation: %w", err)
		}
		if err := s.store.SetConversationLastStatus(ctx, viewer.ID, r.ID, id); err != nil {
			return nil, fmt.Errorf("conversation: %w", err)
		}
		r.LastStatusID = id
		moved = append(moved, id)
	}
	if len(moved) > 0 {
		more, err := s.store.StatusesByIDs(ctx, moved)
		if err != nil {
			return nil, fmt.Errorf("conversation: %w", err)
		}
		sts = append(sts, more...)
	}
	visible, err := s.timelines.Visible(ctx, viewer, sts)
	if err != nil {
		return nil, fmt.Errorf("conversation: %w", err)
	}
	byID := make(map[int64]timeline.Status, len(visible))
	need := map[int64]bool{}
	for _, st := range visible {
		byID[st.ID] = st
		need[st.AccountID] = true
		for _, m := range st.Mentions {
			need[m.ID] = true
		}
	}
	delete(need, viewer.ID)
	accountIDs := make([]int64, 0, len(need))
	for id := range need {
		accountIDs = append(accountIDs, id)
	}
	accts, err := s.profiles.LoadIDs(ctx, accountIDs)
	if err != nil {
		return nil, fmt.Errorf("conversation: %w", err)
	}
	for _, r := range rows {
		st, ok := byID[r.LastStatusID]
		if !ok {
			continue
		}
		c := Conversation{ID: r.ID, Unread: r.Unread, LastStatus: st, Cursor: r.LastStatusID, Accounts: []profile.Account{}}
		seen := map[int64]bool{viewer.ID: true}
		add := func(id int64) {
			if a, ok := accts[id]; ok && !seen[id] {
				seen[id] = true
				c.Accounts = append(c.Accounts, a)
			}
		}
		add(st.AccountID)
		for _, m := range st.Mentions {
			add(m.ID)
		}
		out = append(out, c)
	}
	// A row moved back to an older status sorts by it from now on.
	slices.SortStableFunc(out, func(a, b Conversation) int { return cmp.Compare(b.Cursor, a.Cursor) })
	return out, nil
}
