package storage

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/uptrace/bun"
)

// List is an account's named list of accounts (Mastodon's List).
type List struct {
	bun.BaseModel `bun:"table:lists"`

	ID        int64  `bun:"id,pk"`
	AccountID int64  `bun:"account_id,notnull"`
	Title     string `bun:"title,notnull"`
	// RepliesPolicy is "followed", "list" or "none".
	RepliesPolicy string `bun:"replies_policy,notnull"`
	// Exclusive lists keep their members' posts out of the owner's home.
	Exclusive bool      `bun:"exclusive,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull"`
	UpdatedAt time.Time `bun:"updated_at,notnull"`
}

// InsertList stores a new list, filling in its ID and timestamps.
func (s *Store) InsertList(ctx context.Context, l *List) error {
	now := time.Now().UTC()
	l.ID, l.CreatedAt, l.UpdatedAt = s.NewID(), now, now
	if _, err := s.idb.NewInsert().Model(l).Exec(ctx); err != nil {
		return fmt.Errorf("storage: insert list: %w", classify(err))
	}
	return nil
}

// ListsOf returns the lists ownerID owns, oldest first.
func (s *Store) ListsOf(ctx context.Context, ownerID int64) ([]List, error) {
	out := []List{}
	if err := s.idb.NewSelect().Model(&out).Where("account_id = ?", ownerID).OrderExpr("id ASC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: lists: %w", classify(err))
	}
	return out, nil
}

// CountLists counts the lists ownerID owns.
func (s *Store) CountLists(ctx context.Context, ownerID int64) (int, error) {
	n, err := s.idb.NewSelect().Model((*List)(nil)).Where("account_id = ?", ownerID).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("storage: count lists: %w", classify(err))
	}
	return int(n), nil
}

// ListOf returns ownerID's list with that ID; ErrNotFound when there is
// none or it is someone else's.
func (s *Store) ListOf(ctx context.Context, ownerID, id int64) (*List, error) {
	l := new(List)
	if err := s.idb.NewSelect().Model(l).Where("id = ?", id).Where("account_id = ?", ownerID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: list %d: %w", id, classify(err))
	}
	return l, nil
}

// UpdateList saves a list's title, replies policy and exclusivity.
func (s *Store) UpdateList(ctx context.Context, l *List) error {
	l.UpdatedAt = time.Now().UTC()
	res, err := s.idb.NewUpdate().Model(l).Column("title", "replies_policy", "exclusive", "updated_at").
		Where("id = ?", l.ID).Where("account_id = ?", l.AccountID).Exec(ctx)
	return checkUpdated(res, err, "update list")
}

// DeleteList removes ownerID's list and its memberships.
func (s *Store) DeleteList(ctx context.Context, ownerID, id int64) error {
	res, err := s.idb.NewDelete().Model((*List)(nil)).Where("id = ?", id).Where("account_id = ?", ownerID).Exec(ctx)
	return checkUpdated(res, err, "delete list")
}

// ListMember is one account to add to a list, with the follow that
// allows it (nil for the owner).
type ListMember struct {
	AccountID int64
	FollowID  *int64
}

// AddListMembers adds accounts to a list; ErrConflict when one of them is
// already on it. Run it in a transaction so that a conflict adds none.
func (s *Store) AddListMembers(ctx context.Context, listID int64, members []ListMember) error {
	now := time.Now().UTC()
	for _, m := range members {
		if _, err := s.idb.NewRaw(`INSERT INTO list_accounts (id, list_id, account_id, follow_id, created_at) VALUES (?, ?, ?, ?, ?)`,
			s.NewID(), listID, m.AccountID, m.FollowID, now).Exec(ctx); err != nil {
			return fmt.Errorf("storage: add list member: %w", classify(err))
		}
	}
	return nil
}

// RemoveListMembers takes accounts off a list; absent ones are ignored.
func (s *Store) RemoveListMembers(ctx context.Context, listID int64, accountIDs []int64) error {
	if len(accountIDs) == 0 {
		return nil
	}
	if _, err := s.idb.NewRaw(`DELETE FROM list_accounts WHERE list_id = ? AND account_id IN (?)`, listID, bun.In(accountIDs)).Exec(ctx); err != nil {
		return fmt.Errorf("storage: remove list members: %w", classify(err))
	}
	return nil
}

// ListMembers pages through a list's members (not suspended), newest
// membership first, the cursor being the membership row's ID.
func (s *Store) ListMembers(ctx context.Context, listID int64, p Page) ([]Edge, error) {
	return s.edges(ctx, "list_accounts", "account_id", "list_id", listID, p)
}

// ListMemberIDs returns which of accountIDs are on the list.
func (s *Store) ListMemberIDs(ctx context.Context, listID int64, accountIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(accountIDs) == 0 {
		return out, nil
	}
	var ids []int64
	if err := s.idb.NewRaw(`SELECT account_id FROM list_accounts WHERE list_id = ? AND account_id IN (?)`,
		listID, bun.In(accountIDs)).Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("storage: list members: %w", classify(err))
	}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// ListsWith returns ownerID's lists that have accountID on them, oldest
// first.
func (s *Store) ListsWith(ctx context.Context, ownerID, accountID int64) ([]List, error) {
	out := []List{}
	if err := s.idb.NewSelect().Model(&out).Where("account_id = ?", ownerID).
		Where("id IN (SELECT list_id FROM list_accounts WHERE account_id = ?)", accountID).
		OrderExpr("id ASC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: lists with account: %w", classify(err))
	}
	return out, nil
}

// ExclusiveListMembers returns the accounts on any of ownerID's exclusive
// lists.
func (s *Store) ExclusiveListMembers(ctx context.Context, ownerID int64) (map[int64]bool, error) {
	return cachedOne(ctx, s, kindExclusiveLists, ownerID, func(ctx context.Context) (map[int64]bool, error) {
		return s.exclusiveListMembers(ctx, ownerID)
	}, maps.Clone[map[int64]bool])
}

func (s *Store) exclusiveListMembers(ctx context.Context, ownerID int64) (map[int64]bool, error) {
	var ids []int64
	if err := s.idb.NewRaw(`SELECT DISTINCT la.account_id FROM list_accounts la JOIN lists l ON l.id = la.list_id
		WHERE l.account_id = ? AND l.exclusive = TRUE`, ownerID).Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("storage: exclusive list members: %w", classify(err))
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// ListStatuses returns a page of statuses by a list's members, newest
// first: public, unlisted and private ones (never direct, as in Mastodon),
// with replies kept by the list's replies policy — a member's replies to
// themself and to the owner always, to accounts the owner follows under
// "followed", to other members under "list", no others under "none".
// Callers still check visibility for the owner. The statement reads the
// IDs; the rows come from statusesInOrder.
func (s *Store) ListStatuses(ctx context.Context, l *List, visibilities []string, p Page) ([]Status, error) {
	if len(visibilities) == 0 {
		return nil, nil
	}
	q := s.idb.NewSelect().Model((*Status)(nil)).Column("id").
		Where("account_id IN (SELECT account_id FROM list_accounts WHERE list_id = ?)", l.ID).
		Where("deleted_at IS NULL").Where("visibility IN (?)", bun.In(visibilities)).
		Where("account_id NOT IN (SELECT id FROM accounts WHERE suspended_at IS NOT NULL)")
	replies := "in_reply_to_id IS NULL OR in_reply_to_account_id = account_id OR in_reply_to_account_id = ?"
	switch l.RepliesPolicy {
	case "followed":
		q = q.Where("("+replies+" OR in_reply_to_account_id IN (SELECT target_account_id FROM follows WHERE account_id = ?))", l.AccountID, l.AccountID)
	case "list":
		q = q.Where("("+replies+" OR in_reply_to_account_id IN (SELECT account_id FROM list_accounts WHERE list_id = ?))", l.AccountID, l.ID)
	default:
		q = q.Where("("+replies+")", l.AccountID)
	}
	var ids []int64
	if err := p.apply(q, "id").Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("storage: list statuses: %w", classify(err))
	}
	out, err := s.statusesInOrder(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("storage: list statuses: %w", classify(err))
	}
	return finish(p, out), nil
}
