package storage

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// FanOut writes a status into home feeds: its author's, those of the
// local followers of its author when toFollowers is set, and those of the
// local accounts in recipients (mentioned ones). It also creates a
// "status" notification for followers who asked to be notified when the
// author posts, when notifyFollowers is set. Run it in the transaction
// that inserts the status.
func (s *Store) FanOut(ctx context.Context, st *Status, toFollowers, notifyFollowers bool, recipients []int64) error {
	if _, err := s.idb.NewRaw(`INSERT INTO home_feed (account_id, status_id, author_id)
		SELECT id, ?, ? FROM accounts WHERE id = ? AND domain = '' ON CONFLICT DO NOTHING`,
		st.ID, st.AccountID, st.AccountID).Exec(ctx); err != nil {
		return fmt.Errorf("storage: fan out: %w", classify(err))
	}
	if toFollowers {
		if _, err := s.idb.NewRaw(`INSERT INTO home_feed (account_id, status_id, author_id)
			SELECT f.account_id, ?, ? FROM follows f JOIN accounts a ON a.id = f.account_id
			WHERE f.target_account_id = ? AND a.domain = '' ON CONFLICT DO NOTHING`,
			st.ID, st.AccountID, st.AccountID).Exec(ctx); err != nil {
			return fmt.Errorf("storage: fan out: %w", classify(err))
		}
	}
	if notifyFollowers {
		var ids []int64
		if err := s.idb.NewRaw(`SELECT f.account_id FROM follows f JOIN accounts a ON a.id = f.account_id
			WHERE f.target_account_id = ? AND f.notify = TRUE AND a.domain = '' ORDER BY f.account_id`, st.AccountID).Scan(ctx, &ids); err != nil {
			return fmt.Errorf("storage: fan out: %w", classify(err))
		}
		for _, id := range ids {
			if err := s.InsertNotification(ctx, &Notification{AccountID: id, FromAccountID: st.AccountID, Type: "status", StatusID: &st.ID}); err != nil {
				return err
			}
		}
	}
	if len(recipients) > 0 {
		if _, err := s.idb.NewRaw(`INSERT INTO home_feed (account_id, status_id, author_id)
			SELECT id, ?, ? FROM accounts WHERE id IN (?) AND domain = '' ON CONFLICT DO NOTHING`,
			st.ID, st.AccountID, bun.In(recipients)).Exec(ctx); err != nil {
			return fmt.Errorf("storage: fan out: %w", classify(err))
		}
	}
	return nil
}

// BackfillHome copies into accountID's home feed the newest n undeleted
// statuses of authorID whose visibility is among visibilities, as when
// accountID starts following authorID.
func (s *Store) BackfillHome(ctx context.Context, accountID, authorID int64, visibilities []string, n int) error {
	// "WHERE TRUE": SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT.
	_, err := s.idb.NewRaw(`INSERT INTO home_feed (account_id, status_id, author_id)
		SELECT ?, id, account_id FROM (
			SELECT id, account_id FROM statuses
			WHERE account_id = ? AND deleted_at IS NULL AND visibility IN (?)
			ORDER BY id DESC LIMIT ?
		) AS recent WHERE TRUE ON CONFLICT DO NOTHING`, accountID, authorID, bun.In(visibilities), n).Exec(ctx)
	if err != nil {
		return fmt.Errorf("storage: backfill home: %w", classify(err))
	}
	return nil
}

// RemoveFromHome takes authorID's statuses out of accountID's home feed.
// With keepMentions, statuses that mention accountID stay (after an
// unfollow); without it every one goes (after a block).
func (s *Store) RemoveFromHome(ctx context.Context, accountID, authorID int64, keepMentions bool) error {
	q := `DELETE FROM home_feed WHERE account_id = ? AND author_id = ?`
	args := []any{accountID, authorID}
	if keepMentions {
		q += ` AND status_id NOT IN (SELECT status_id FROM status_mentions WHERE account_id = ?)`
		args = append(args, accountID)
	}
	if _, err := s.idb.NewRaw(q, args...).Exec(ctx); err != nil {
		return fmt.Errorf("storage: remove from home: %w", classify(err))
	}
	return nil
}

// HomeStatuses reads a page of accountID's home feed, newest first: an
// index range scan on (account_id, status_id).
func (s *Store) HomeStatuses(ctx context.Context, accountID int64, p Page) ([]Status, error) {
	var ids []int64
	q := s.idb.NewSelect().TableExpr("home_feed AS h").Column("h.status_id").Where("h.account_id = ?", accountID)
	if err := p.apply(q, "h.status_id").Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("storage: home: %w", classify(err))
	}
	ids = finish(p, ids)
	sts, err := s.StatusesByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	return orderByIDs(sts, ids), nil
}

// orderByIDs returns the statuses in the order of ids, skipping missing ones.
func orderByIDs(sts []Status, ids []int64) []Status {
	byID := make(map[int64]Status, len(sts))
	for _, st := range sts {
		byID[st.ID] = st
	}
	out := make([]Status, 0, len(ids))
	for _, id := range ids {
		if st, ok := byID[id]; ok {
			out = append(out, st)
		}
	}
	return out
}
