package storage

import (
	"context"
	"fmt"
)

// The kinds of earlier activity ActivityByURI finds.
const (
	ActivityFollow    = "follow"    // a follow or a follow request
	ActivityBlock     = "block"     // a block
	ActivityFavourite = "favourite" // a Like
	ActivityReblog    = "reblog"    // an Announce
)

// PastActivity is what an earlier activity, found by its ActivityPub id,
// did: AccountID (its actor) followed or blocked TargetAccountID, or
// favourited or boosted StatusID.
type PastActivity struct {
	Kind            string
	AccountID       int64
	TargetAccountID int64
	StatusID        int64
}

// ActivityByURI finds the follow, follow request, block, favourite or live
// boost recorded with the ActivityPub id uri; ErrNotFound when none is.
func (s *Store) ActivityByURI(ctx context.Context, uri string) (*PastActivity, error) {
	queries := []struct {
		kind, q string
	}{
		{ActivityFollow, `SELECT account_id, target_account_id, 0 AS status_id FROM follows WHERE uri = ?`},
		{ActivityFollow, `SELECT account_id, target_account_id, 0 AS status_id FROM follow_requests WHERE uri = ?`},
		{ActivityBlock, `SELECT account_id, target_account_id, 0 AS status_id FROM blocks WHERE uri = ?`},
		{ActivityFavourite, `SELECT account_id, 0 AS target_account_id, status_id FROM favourites WHERE uri = ?`},
		{ActivityReblog, `SELECT account_id, 0 AS target_account_id, reblog_of_id AS status_id FROM statuses WHERE uri = ? AND reblog_of_id IS NOT NULL AND deleted_at IS NULL`},
	}
	for _, q := range queries {
		var rows []struct {
			AccountID int64 `bun:"account_id"`
			TargetID  int64 `bun:"target_account_id"`
			StatusID  int64 `bun:"status_id"`
		}
		if err := s.idb.NewRaw(q.q+" LIMIT 1", uri).Scan(ctx, &rows); err != nil {
			return nil, fmt.Errorf("storage: activity by uri: %w", classify(err))
		}
		if len(rows) > 0 {
			return &PastActivity{Kind: q.kind, AccountID: rows[0].AccountID, TargetAccountID: rows[0].TargetID, StatusID: rows[0].StatusID}, nil
		}
	}
	return nil, fmt.Errorf("storage: activity %s: %w", uri, ErrNotFound)
}

// SetFavouriteURI records the ActivityPub id of the Like that made
// accountID's favourite of statusID.
func (s *Store) SetFavouriteURI(ctx context.Context, accountID, statusID int64, uri string) error {
	res, err := s.idb.NewRaw(`UPDATE favourites SET uri = ? WHERE account_id = ? AND status_id = ?`, uri, accountID, statusID).Exec(ctx)
	return checkUpdated(res, err, "set favourite uri")
}

// RemoveFavourite removes accountID's favourite of statusID, returning
// whether there was one and the ActivityPub id of the Like that made it
// ("" when none was recorded).
func (s *Store) RemoveFavourite(ctx context.Context, accountID, statusID int64) (removed bool, uri string, err error) {
	var rows []struct {
		URI *string `bun:"uri"`
	}
	if err := s.idb.NewRaw(`DELETE FROM favourites WHERE account_id = ? AND status_id = ? RETURNING uri`,
		accountID, statusID).Scan(ctx, &rows); err != nil {
		return false, "", fmt.Errorf("storage: remove favourite: %w", classify(err))
	}
	if len(rows) == 0 {
		return false, "", nil
	}
	if rows[0].URI != nil {
		uri = *rows[0].URI
	}
	return true, uri, nil
}

// SetBlockURI records the ActivityPub id of the Block that made
// accountID's block of targetID.
func (s *Store) SetBlockURI(ctx context.Context, accountID, targetID int64, uri string) error {
	res, err := s.idb.NewRaw(`UPDATE blocks SET uri = ? WHERE account_id = ? AND target_account_id = ?`, uri, accountID, targetID).Exec(ctx)
	return checkUpdated(res, err, "set block uri")
}
