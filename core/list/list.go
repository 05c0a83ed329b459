package list

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/storage"
)

// Limits, as in Mastodon where it has them.
const (
	// MaxLists is how many lists an account may own (Mastodon's 50).
	MaxLists = 50
	// MaxTitle is the longest title, in characters.
	MaxTitle = 256
)

// The replies policies: which replies by members a list shows, besides
// replies to the member themself and to the list's owner.
const (
	// Followed: replies to anyone the owner follows.
	Followed = "followed"
	// Members: replies to other members of the list ("list").
	Members = "list"
	// None: no other replies.
	None = "none"
)

// Service keeps lists over a Store.
type Service struct {
	store     *storage.Store
	profiles  *profile.Service
	timelines *timeline.Service
}

// New returns a Service.
func New(store *storage.Store, profiles *profile.Service, timelines *timeline.Service) *Service {
	return &Service{store: store, profiles: profiles, timelines: timelines}
}

// Draft is a list to create, or the changes to one: nil fields stay as
// they are (creating needs Title).
type Draft struct {
	Title         *string
	RepliesPolicy *string
	Exclusive     *bool
}

// All returns owner's lists, oldest first.
func (s *Service) All(ctx context.Context, owner *storage.Account) ([]storage.List, error) {
	ls, err := s.store.ListsOf(ctx, owner.ID)
	if err != nil {
		return nil, fmt.Errorf("list: all: %w", err)
	}
	return ls, nil
}

// Get returns one of owner's lists; ErrNotFound for anyone else's.
func (s *Service) Get(ctx context.Context, owner *storage.Account, id int64) (*storage.List, error) {
	l, err := s.store.ListOf(ctx, owner.ID, id)
	if err != nil {
		return nil, notFound("list: get", err)
	}
	return l, nil
}

// Create stores a new list for owner.
func (s *Service) Create(ctx context.Context, owner *storage.Account, d Draft) (*storage.List, error) {
	if d.Title == nil {
		return nil, core.Invalid("title", "can't be blank")
	}
	l := &storage.List{AccountID: owner.ID, RepliesPolicy: Members}
	if err := apply(l, d); err != nil {
		return nil, err
	}
	err := s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		n, err := tx.CountLists(ctx, owner.ID)
		if err != nil {
			return err
		}
		if n >= MaxLists {
			return core.Invalid("", fmt.Sprintf("You cannot have more than %d lists", MaxLists))
		}
		return tx.InsertList(ctx, l)
	})
	if err != nil {
		return nil, fmt.Errorf("list: create: %w", err)
	}
	return l, nil
}

// Update changes one of owner's lists.
func (s *Service) Update(ctx context.Context, owner *storage.Account, id int64, d Draft) (*storage.List, error) {
	l, err := s.Get(ctx, owner, id)
	if err != nil {
		return nil, err
	}
	if err := apply(l, d); err != nil {
		return nil, err
	}
	if err := s.store.UpdateList(ctx, l); err != nil {
		return nil, notFound("list: update", err)
	}
	return l, nil
}

// Delete removes one of owner's lists.
func (s *Service) Delete(ctx context.Context, owner *storage.Account, id int64) error {
	if err := s.store.DeleteList(ctx, owner.ID, id); err != nil {
		return notFound("list: delete", err)
	}
	return nil
}

// apply checks d and copies it onto l.
func apply(l *storage.List, d Draft) error {
	if d.Title != nil {
		t := strings.TrimSpace(*d.Title)
		if t == "" {
			return core.Invalid("title", "can't be blank")
		}
		if utf8.RuneCountInString(t) > MaxTitle {
			return core.Invalid("title", fmt.Sprintf("is too long (maximum is %d characters)", MaxTitle))
		}
		l.Title = t
	}
	if d.RepliesPolicy != nil {
		switch *d.RepliesPolicy {
		case Followed, Members, None:
			l.RepliesPolicy = *d.RepliesPolicy
		default:
			return core.Invalid("replies_policy", "must be followed, list or none")
		}
	}
	if d.Exclusive != nil {
		l.Exclusive = *d.Exclusive
	}
	return nil
}

// Members pages through the accounts on one of owner's lists, newest
// membership first; the entries' cursors are membership IDs.
func (s *Service) Members(ctx context.Context, owner *storage.Account, id int64, p storage.Page) ([]Member, error) {
	if _, err := s.Get(ctx, owner, id); err != nil {
		return nil, err
	}
	edges, err := s.store.ListMembers(ctx, id, p)
	if err != nil {
		return nil, fmt.Errorf("list: members: %w", err)
	}
	accts := make([]*storage.Account, len(edges))
	for i := range edges {
		accts[i] = &edges[i].Account
	}
	loaded, err := s.profiles.Load(ctx, accts)
	if err != nil {
		return nil, fmt.Errorf("list: members: %w", err)
	}
	out := make([]Member, len(edges))
	for i, e := range edges {
		out[i] = Member{Cursor: e.Cursor, Account: loaded[i]}
	}
	return out, nil
}

// Member is an account on a list with its membership's ID, the paging
// cursor.
type Member struct {
	Cursor  int64
	Account profile.Account
}

// Add puts accounts on one of owner's lists: each must be shown
// (ErrNotFound otherwise) and be followed by owner, or be owner
// (ErrInvalid otherwise), and must not be on the list yet (ErrInvalid).
// Either all are added or none.
func (s *Service) Add(ctx context.Context, owner *storage.Account, id int64, accountIDs []int64) error {
	if len(accountIDs) == 0 {
		return core.Invalid("account_ids", "can't be blank")
	}
	if _, err := s.Get(ctx, owner, id); err != nil {
		return err
	}
	var unique []int64
	for _, aid := range accountIDs {
		if slices.Contains(unique, aid) {
			continue
		}
		if _, err := s.profiles.Get(ctx, aid); err != nil {
			return fmt.Errorf("list: add: %w", err)
		}
		unique = append(unique, aid)
	}
	err := s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		already, err := tx.ListMemberIDs(ctx, id, unique)
		if err != nil {
			return err
		}
		var members []storage.ListMember
		for _, aid := range unique {
			if already[aid] {
				return core.Invalid("account_id", "has already been taken")
			}
			m := storage.ListMember{AccountID: aid}
			if aid != owner.ID {
				f, err := tx.FollowBetween(ctx, owner.ID, aid)
				if errors.Is(err, storage.ErrNotFound) {
					return core.Invalid("account_id", "must be an account you follow")
				}
				if err != nil {
					return err
				}
				m.FollowID = &f.ID
			}
			members = append(members, m)
		}
		return tx.AddListMembers(ctx, id, members)
	})
	if err != nil {
		if errors.Is(err, storage.ErrConflict) {
			return fmt.Errorf("list: add: %w", core.Invalid("account_id", "has already been taken"))
		}
		return fmt.Errorf("list: add: %w", err)
	}
	return nil
}

// Remove takes accounts off one of owner's lists; accounts not on it are
// ignored.
func (s *Service) Remove(ctx context.Context, owner *storage.Account, id int64, accountIDs []int64) error {
	if _, err := s.Get(ctx, owner, id); err != nil {
		return err
	}
	if err := s.store.RemoveListMembers(ctx, id, accountIDs); err != nil {
		return fmt.Errorf("list: remove: %w", err)
	}
	return nil
}

// Containing returns owner's lists that have the account on them;
// ErrNotFound for an account that is not shown.
func (s *Service) Containing(ctx context.Context, owner *storage.Account, accountID int64) ([]storage.List, error) {
	if _, err := s.profiles.Get(ctx, accountID); err != nil {
		return nil, err
	}
	ls, err := s.store.ListsWith(ctx, owner.ID, accountID)
	if err != nil {
		return nil, fmt.Errorf("list: containing: %w", err)
	}
	return ls, nil
}

// Timeline reads a page of one of owner's lists' timeline.
func (s *Service) Timeline(ctx context.Context, owner *storage.Account, id int64, p storage.Page) (timeline.Result, error) {
	l, err := s.Get(ctx, owner, id)
	if err != nil {
		return timeline.Result{}, err
	}
	return s.timelines.List(ctx, owner, l, p)
}

// notFound turns storage's not-found into the API's, with an operation
// prefix (none when op is "").
func notFound(op string, err error) error {
	if errors.Is(err, storage.ErrNotFound) {
		err = core.Errorf(core.ErrNotFound, "Record not found")
	}
	if op == "" {
		return err
	}
	return fmt.Errorf("%s: %w", op, err)
}
