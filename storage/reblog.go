package storage

import (
	"context"
	"fmt"
)

// ReblogBy returns accountID's live boost of statusID.
func (s *Store) ReblogBy(ctx context.Context, accountID, statusID int64) (*Status, error) {
	st := new(Status)
	err := s.idb.NewSelect().Model(st).Where("account_id = ?", accountID).Where("reblog_of_id = ?", statusID).
		Where("deleted_at IS NULL").Limit(1).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: reblog of %d: %w", statusID, classify(err))
	}
	return st, nil
}

// FanOutReblog writes a boost into home feeds: its booster's, and those
// of the booster's local followers who show its boosts, except the
// boosted status's author (who is notified instead). Run it in the
// transaction that inserts the boost.
func (s *Store) FanOutReblog(ctx context.Context, boost *Status, originalAuthorID int64) error {
	if _, err := s.idb.NewRaw(`INSERT INTO home_feed (account_id, status_id, author_id)
		SELECT id, ?, ? FROM accounts WHERE id = ? AND domain = '' ON CONFLICT DO NOTHING`,
		boost.ID, boost.AccountID, boost.AccountID).Exec(ctx); err != nil {
		return fmt.Errorf("storage: fan out reblog: %w", classify(err))
	}
	if _, err := s.idb.NewRaw(`INSERT INTO home_feed (account_id, status_id, author_id)
		SELECT f.account_id, ?, ? FROM follows f JOIN accounts a ON a.id = f.account_id
		WHERE f.target_account_id = ? AND f.show_reblogs = TRUE AND a.domain = '' AND f.account_id <> ?
		ON CONFLICT DO NOTHING`,
		boost.ID, boost.AccountID, boost.AccountID, originalAuthorID).Exec(ctx); err != nil {
		return fmt.Errorf("storage: fan out reblog: %w", classify(err))
	}
	return nil
}

// LocalRebloggerIDs returns the local accounts with a live boost of
// statusID.
func (s *Store) LocalRebloggerIDs(ctx context.Context, statusID int64) ([]int64, error) {
	var ids []int64
	err := s.idb.NewRaw(`SELECT st.account_id FROM statuses st JOIN accounts a ON a.id = st.account_id
		WHERE st.reblog_of_id = ? AND st.deleted_at IS NULL AND a.domain = '' ORDER BY st.account_id`, statusID).Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("storage: rebloggers of %d: %w", statusID, classify(err))
	}
	return ids, nil
}
