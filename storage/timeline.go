package storage

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/uptrace/bun"
)

// FanOut writes a status into home feeds: its author's, those of the
// local followers of its author when toFollowers is set, and those of the
// local accounts in recipients (mentioned ones). It also creates a
// "status" notification for followers who asked to be notified when the
// author posts, when notifyFollowers is set. Run it in the transaction
// that inserts the status.
func (s *Store) FanOut(ctx context.Context, st *Status, toFollowers, notifyFollowers bool, recipients []int64) error {
	// One INSERT for every feed (a round trip each would cost more than
	// the rows): the author's own, the followers', the recipients', of
	// those that are local.
	q := `INSERT INTO home_feed (account_id, status_id, author_id)
		SELECT a.id, CAST(?0 AS BIGINT), CAST(?1 AS BIGINT) FROM accounts a
		WHERE a.domain = '' AND a.id IN (SELECT CAST(?1 AS BIGINT)`
	args := []any{st.ID, st.AccountID}
	if toFollowers && s.feeds != nil {
		// SQLite: the followers' rows are written by a flush
		// (home_pending.go).
		if err := s.deferFollowers(ctx, st); err != nil {
			return err
		}
	} else if toFollowers {
		q += ` UNION SELECT f.account_id FROM follows f WHERE f.target_account_id = CAST(?1 AS BIGINT)`
	}
	if len(recipients) > 0 {
		q += ` UNION ` + s.selectIDs(2)
		args = append(args, int64List(recipients, s.dialect))
	}
	if _, err := s.execFixed(ctx, q+`) ON CONFLICT DO NOTHING`, args...); err != nil {
		return fmt.Errorf("storage: fan out: %w", classify(err))
	}
	if notifyFollowers {
		var ids []int64
		rs, err := s.queryFixed(ctx, `SELECT f.account_id FROM follows f JOIN accounts a ON a.id = f.account_id
			WHERE f.target_account_id = CAST(?0 AS BIGINT) AND f.notify = TRUE AND a.domain = '' ORDER BY f.account_id`, st.AccountID)
		if err == nil {
			ids, err = scanIDs(rs)
		}
		if err != nil {
			return fmt.Errorf("storage: fan out: %w", classify(err))
		}
		for _, id := range ids {
			if err := s.InsertNotification(ctx, &Notification{AccountID: id, FromAccountID: st.AccountID, Type: "status", StatusID: &st.ID}); err != nil {
				return err
			}
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
// unfollow); without it every one goes (after a block). The rows are
// found through the author's statuses, each looked up by the feed's
// primary key: home_feed has no index by author (posting writes one row
// per follower, and an index more would cost every one of them).
func (s *Store) RemoveFromHome(ctx context.Context, accountID, authorID int64, keepMentions bool) error {
	q := `DELETE FROM home_feed WHERE account_id = ? AND author_id = ?
		AND status_id IN (SELECT id FROM statuses WHERE account_id = ?)`
	args := []any{accountID, authorID, authorID}
	if keepMentions {
		q += ` AND status_id NOT IN (SELECT status_id FROM status_mentions WHERE account_id = ?)`
		args = append(args, accountID)
	}
	if _, err := s.idb.NewRaw(q, args...).Exec(ctx); err != nil {
		return fmt.Errorf("storage: remove from home: %w", classify(err))
	}
	return nil
}

// HomeStatuses reads a page of accountID's home feed, newest first. Its
// statement reads only the page's IDs, from home_feed's (account_id,
// status_id) key alone; the rows come from the status cache, and those it
// lacks from one statement by ID (statusesInOrder), which is also where
// deleted statuses are left out. Deleting a status removes its feed rows
// in the same transaction (DeleteStatus, the removal of a remote account,
// and the deferred fan-out skips deleted statuses), so a deleted status
// is found in a feed only when a deletion races the read; then the page
// is refilled from below the last ID read, so that a short page still
// means the end of the feed.
func (s *Store) HomeStatuses(ctx context.Context, accountID int64, p Page) ([]Status, error) {
	below, above := p.MaxID, max(p.SinceID, p.MinID)
	if below <= 0 {
		below = math.MaxInt64
	}
	query := s.homeIDsQuery(p.ascending())
	limit := p.limit()
	var out []Status
	for round := 0; round < homeRefills; round++ {
		want := limit - len(out)
		var ids []int64
		var err error
		if round == 0 && !p.ascending() && below == math.MaxInt64 && above == 0 {
			ids, err = s.homeHead(ctx, accountID, want)
		} else {
			ids, err = s.homeIDs(ctx, query, accountID, below, above, want)
		}
		if err != nil {
			return nil, fmt.Errorf("storage: home: %w", classify(err))
		}
		rows, err := s.statusesInOrder(ctx, ids)
		if err != nil {
			return nil, fmt.Errorf("storage: home: %w", classify(err))
		}
		if out == nil {
			out = rows
		} else {
			out = append(out, rows...)
		}
		if len(ids) < want || len(rows) == len(ids) {
			break
		}
		// Some IDs were of deleted statuses: read on past the last one.
		if p.ascending() {
			above = ids[len(ids)-1]
		} else {
			below = ids[len(ids)-1]
		}
	}
	return finish(p, out), nil
}

// homeIDsQuery is the statement reading a page of a home feed's IDs,
// newest first or (ascending) oldest first. On SQLite it also reads the
// reader's rows of the posts whose fan-out is still pending
// (home_pending.go): the rows the next flush will write for a local
// follower are exactly the pending statuses of the accounts it follows,
// so a reader sees every post committed before its statement without
// waiting for a flush, which under posting made each home page wait
// behind the writer.
func (s *Store) homeIDsQuery(ascending bool) string {
	switch {
	case s.feeds != nil && ascending:
		return homeIDsPendingAsc
	case s.feeds != nil:
		return homeIDsPendingDesc
	case ascending:
		return homeIDsAsc
	}
	return homeIDsDesc
}

// homeIDs reads a page of a home feed's IDs (homeIDsQuery).
func (s *Store) homeIDs(ctx context.Context, query string, accountID, below, above int64, limit int) ([]int64, error) {
	rs, err := s.queryFixed(ctx, query, accountID, below, above, limit)
	if err != nil {
		return nil, err
	}
	return scanIDs(rs)
}

// homeHead reads the newest limit IDs of a home feed, the page every
// client asks for first and polling clients ask for again and again. It
// is kept in the read cache (by reader and limit) until any write to
// home_feed or statuses, as Mastodon keeps the heads of home feeds in
// Redis: a post fanned out, an unfollow or a deletion is seen by the
// next read.
func (s *Store) homeHead(ctx context.Context, accountID int64, limit int) ([]int64, error) {
	key := int64(limit)
	m, err := cachedFor(ctx, s, kindHomeHead, accountID, []int64{key}, func(ctx context.Context, _ []int64) (map[int64][]int64, error) {
		ids, err := s.homeIDs(ctx, s.homeIDsQuery(false), accountID, math.MaxInt64, 0, limit)
		if err != nil {
			return nil, err
		}
		return map[int64][]int64{key: ids}, nil
	}, slices.Clone[[]int64])
	if err != nil {
		return nil, err
	}
	return m[key], nil
}

// homeRefills bounds the statements of one home page when deleted
// statuses' feed rows are met (HomeStatuses).
const homeRefills = 4

// The home feed's page of IDs, newest or (min_id) oldest first: ?0 the
// reader, ?1 and ?2 the bounds (exclusive), ?3 the limit. It reads
// home_feed's primary key only: whether a status is deleted is decided
// with its row (statusesInOrder).
const (
	homeIDsFrom = `SELECT h.status_id FROM home_feed AS h
		WHERE h.account_id = CAST(?0 AS BIGINT) AND h.status_id < CAST(?1 AS BIGINT) AND h.status_id > CAST(?2 AS BIGINT)`
	homeIDsDesc = homeIDsFrom + ` ORDER BY h.status_id DESC LIMIT ?3`
	homeIDsAsc  = homeIDsFrom + ` ORDER BY h.status_id ASC LIMIT ?3`
	// The same with the pending followers' rows (SQLite), merged in
	// order: each branch reads its own key in order, and the merge stops
	// at the limit.
	homeIDsPending = homeIDsFrom + ` UNION SELECT p.status_id FROM home_feed_pending AS p
		JOIN follows AS f ON f.target_account_id = p.author_id
		WHERE f.account_id = CAST(?0 AS BIGINT) AND p.status_id < CAST(?1 AS BIGINT) AND p.status_id > CAST(?2 AS BIGINT)`
	homeIDsPendingDesc = homeIDsPending + ` ORDER BY 1 DESC LIMIT ?3`
	homeIDsPendingAsc  = homeIDsPending + ` ORDER BY 1 ASC LIMIT ?3`
)
