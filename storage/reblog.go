package storage

import (
	"context"
	"fmt"
	"strconv"
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

// ReblogFalloff is how many of the newest entries of a home feed are
// looked at before a boost is written into it: a boost of a status that
// is among them, or that another boost there already brings, is left out
// (Mastodon's FeedManager::REBLOG_FALLOFF), so a feed does not show the
// same post twice in a row when several people one follows boost it.
const ReblogFalloff = 40

// notRecentlyInHome is the condition that the home feed of the account
// in column reader has, among its ReblogFalloff newest entries, neither
// the boosted status (the one argument) nor a boost of it. It reads those
// entries through the primary key and each one's status by primary key,
// whatever the feed's length and however often the status was boosted:
// the COALESCE keeps the planners from starting at the boosts instead.
func notRecentlyInHome(reader string) string {
	return `NOT EXISTS (
		SELECT 1 FROM (
			SELECT rh.status_id FROM home_feed rh WHERE rh.account_id = ` + reader + `
			ORDER BY rh.status_id DESC LIMIT ` + strconv.Itoa(ReblogFalloff) + `
		) recent JOIN statuses rs ON rs.id = recent.status_id
		WHERE COALESCE(rs.reblog_of_id, rs.id) = ?)`
}

// FanOutReblog writes a boost into home feeds: its booster's, and those
// of the booster's local followers who show its boosts, except the
// boosted status's author (who is notified instead), and except the
// feeds where the boosted status is recent already (notRecentlyInHome).
// Run it in the transaction that inserts the boost.
func (s *Store) FanOutReblog(ctx context.Context, boost *Status, originalAuthorID int64) error {
	var orig int64
	if boost.ReblogOfID != nil {
		orig = *boost.ReblogOfID
	}
	// notRecentlyInHome reads the feeds.
	if err := s.seeHomeFeeds(ctx); err != nil {
		return fmt.Errorf("storage: fan out reblog: %w", err)
	}
	if _, err := s.idb.NewRaw(`INSERT INTO home_feed (account_id, status_id, author_id)
		SELECT a.id, ?, ? FROM accounts a WHERE a.id = ? AND a.domain = '' AND `+notRecentlyInHome("a.id")+`
		ON CONFLICT DO NOTHING`,
		boost.ID, boost.AccountID, boost.AccountID, orig).Exec(ctx); err != nil {
		return fmt.Errorf("storage: fan out reblog: %w", classify(err))
	}
	if _, err := s.idb.NewRaw(`INSERT INTO home_feed (account_id, status_id, author_id)
		SELECT f.account_id, ?, ? FROM follows f JOIN accounts a ON a.id = f.account_id
		WHERE f.target_account_id = ? AND f.show_reblogs = TRUE AND a.domain = '' AND f.account_id <> ?
		  AND `+notRecentlyInHome("f.account_id")+`
		ON CONFLICT DO NOTHING`,
		boost.ID, boost.AccountID, boost.AccountID, originalAuthorID, orig).Exec(ctx); err != nil {
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
