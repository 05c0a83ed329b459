package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Marks are the tables that record one account's mark on one status:
// favourites, bookmarks and pins. Each row has its own ID, which is the
// paging cursor of the lists built from it.
type Mark string

// The marks an account can put on a status.
const (
	Favourite Mark = "favourites"
	Bookmark  Mark = "bookmarks"
	Pin       Mark = "status_pins"
)

// MarkedStatus is one row of a mark table: Cursor is the row's ID.
type MarkedStatus struct {
	Cursor   int64 `bun:"id"`
	StatusID int64 `bun:"status_id"`
}

// AddMark records accountID's mark on statusID. added is false when the
// mark was there already.
func (s *Store) AddMark(ctx context.Context, m Mark, accountID, statusID int64) (added bool, err error) {
	res, err := s.idb.NewRaw(`INSERT INTO ? (id, account_id, status_id, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (account_id, status_id) DO NOTHING`,
		bun.Ident(string(m)), s.NewID(), accountID, statusID, time.Now().UTC()).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("storage: add %s: %w", m, classify(err))
	}
	n, err := res.RowsAffected()
	return err == nil && n > 0, nil
}

// RemoveMark removes accountID's mark on statusID. removed is false when
// there was none.
func (s *Store) RemoveMark(ctx context.Context, m Mark, accountID, statusID int64) (removed bool, err error) {
	res, err := s.idb.NewRaw(`DELETE FROM ? WHERE account_id = ? AND status_id = ?`,
		bun.Ident(string(m)), accountID, statusID).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("storage: remove %s: %w", m, classify(err))
	}
	n, err := res.RowsAffected()
	return err == nil && n > 0, nil
}

// CountMarks counts accountID's marks of kind m.
func (s *Store) CountMarks(ctx context.Context, m Mark, accountID int64) (int, error) {
	n, err := s.idb.NewSelect().TableExpr("?", bun.Ident(string(m))).Where("account_id = ?", accountID).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("storage: count %s: %w", m, classify(err))
	}
	return int(n), nil
}

// MarkedStatuses returns a page of accountID's marks of kind m, newest
// first, paged by the mark's own ID. Marks on deleted statuses are left
// out.
func (s *Store) MarkedStatuses(ctx context.Context, m Mark, accountID int64, p Page) ([]MarkedStatus, error) {
	var out []MarkedStatus
	q := s.idb.NewSelect().TableExpr("? AS mk", bun.Ident(string(m))).ColumnExpr("mk.id, mk.status_id").
		Where("mk.account_id = ?", accountID).
		Where("mk.status_id IN (SELECT id FROM statuses WHERE deleted_at IS NULL)")
	if err := p.apply(q, "mk.id").Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("storage: %s of %d: %w", m, accountID, classify(err))
	}
	return finish(p, out), nil
}

// Favouriters returns a page of the accounts that favourited statusID,
// newest first, paged by the favourite's ID.
func (s *Store) Favouriters(ctx context.Context, statusID int64, p Page) ([]Edge, error) {
	return s.edges(ctx, string(Favourite), "account_id", "status_id", statusID, p)
}

// Rebloggers returns a page of the accounts that boosted statusID, newest
// first, paged by the boost's status ID.
func (s *Store) Rebloggers(ctx context.Context, statusID int64, p Page) ([]Edge, error) {
	live := "(SELECT id, account_id, reblog_of_id FROM statuses WHERE reblog_of_id IS NOT NULL AND deleted_at IS NULL)"
	return s.edges(ctx, live, "account_id", "reblog_of_id", statusID, p)
}

// PinnedStatuses returns the statuses accountID pinned, newest status
// first, within the page (by status ID).
func (s *Store) PinnedStatuses(ctx context.Context, accountID int64, p Page) ([]Status, error) {
	var out []Status
	q := s.idb.NewSelect().Model(&out).Where("deleted_at IS NULL").
		Where("id IN (SELECT status_id FROM status_pins WHERE account_id = ?)", accountID).
		Where("account_id = ?", accountID)
	if err := p.apply(q, "id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: pinned statuses: %w", classify(err))
	}
	return finish(p, out), nil
}

// MuteConversation mutes a conversation for accountID; muting it again
// changes nothing.
func (s *Store) MuteConversation(ctx context.Context, accountID, conversationID int64) error {
	_, err := s.idb.NewRaw(`INSERT INTO conversation_mutes (id, account_id, conversation_id, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (account_id, conversation_id) DO NOTHING`, s.NewID(), accountID, conversationID, time.Now().UTC()).Exec(ctx)
	if err != nil {
		return fmt.Errorf("storage: mute conversation: %w", classify(err))
	}
	return nil
}

// UnmuteConversation lifts accountID's mute of a conversation, if any.
func (s *Store) UnmuteConversation(ctx context.Context, accountID, conversationID int64) error {
	_, err := s.idb.NewRaw(`DELETE FROM conversation_mutes WHERE account_id = ? AND conversation_id = ?`, accountID, conversationID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("storage: unmute conversation: %w", classify(err))
	}
	return nil
}

// DeleteNotificationAbout removes the notification of type typ that
// fromID caused recipientID about statusID (an undone favourite or boost).
func (s *Store) DeleteNotificationAbout(ctx context.Context, recipientID, fromID int64, typ string, statusID int64) error {
	_, err := s.idb.NewRaw(`DELETE FROM notifications WHERE account_id = ? AND from_account_id = ? AND type = ? AND status_id = ?`,
		recipientID, fromID, typ, statusID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("storage: delete notification: %w", classify(err))
	}
	return nil
}

// StatusActivity is what hangs off a set of statuses: how often each was
// favourited and boosted, and the viewer's own marks on them.
type StatusActivity struct {
	Favourites, Reblogs map[int64]int
	// The viewer's marks, by status ID.
	Favourited, Reblogged, Bookmarked, Pinned map[int64]bool
	// MutedConversations are the conversations the viewer muted, by ID.
	MutedConversations map[int64]bool
}

// deleteStatusActivity removes what hangs off a status being deleted (in
// DeleteStatus's transaction): its favourites, bookmarks, pins and edit
// history (a deleted post keeps no words), its boosts (each deleted in
// turn), and, when it is itself a boost, the boost's notification.
func (s *Store) deleteStatusActivity(ctx context.Context, id int64) error {
	for _, q := range []string{
		`DELETE FROM favourites WHERE status_id = ?`,
		`DELETE FROM bookmarks WHERE status_id = ?`,
		`DELETE FROM status_pins WHERE status_id = ?`,
		`DELETE FROM status_edits WHERE status_id = ?`,
	} {
		if _, err := s.idb.NewRaw(q, id).Exec(ctx); err != nil {
			return fmt.Errorf("storage: delete status: %w", classify(err))
		}
	}
	var st Status
	if err := s.idb.NewSelect().Model(&st).Column("account_id", "reblog_of_id").Where("id = ?", id).Scan(ctx); err != nil {
		return fmt.Errorf("storage: delete status: %w", classify(err))
	}
	if st.ReblogOfID != nil {
		if _, err := s.idb.NewRaw(`DELETE FROM notifications WHERE type = 'reblog' AND from_account_id = ? AND status_id = ?`,
			st.AccountID, *st.ReblogOfID).Exec(ctx); err != nil {
			return fmt.Errorf("storage: delete status: %w", classify(err))
		}
	}
	var boosts []int64
	if err := s.idb.NewRaw(`SELECT id FROM statuses WHERE reblog_of_id = ? AND deleted_at IS NULL`, id).Scan(ctx, &boosts); err != nil {
		return fmt.Errorf("storage: delete status: %w", classify(err))
	}
	for _, b := range boosts {
		if err := s.DeleteStatus(ctx, b); err != nil {
			return err
		}
	}
	return nil
}
