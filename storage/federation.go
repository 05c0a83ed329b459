package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// This file holds the queries federation needs beyond what the Mastodon API
// uses: statuses by ActivityPub id, edits and removals that other servers
// send, delivery recipients and follow ids.

// StatusByURI returns the remote status whose ActivityPub id is uri,
// including a deleted one (its row is the tombstone that refuses a replay).
func (s *Store) StatusByURI(ctx context.Context, uri string) (*Status, error) {
	st := new(Status)
	if err := s.idb.NewSelect().Model(st).Where("uri = ?", uri).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: status by uri: %w", classify(err))
	}
	return st, nil
}

// StatusRowByID returns the status with that ID, including a deleted one.
func (s *Store) StatusRowByID(ctx context.Context, id int64) (*Status, error) {
	st := new(Status)
	if err := s.idb.NewSelect().Model(st).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: status %d: %w", id, classify(err))
	}
	return st, nil
}

// StatusEdit is what an Update from the author's server may change.
type StatusEdit struct {
	Content     string
	SpoilerText string
	Sensitive   bool
	Language    *string
	EditedAt    time.Time
}

// EditStatus applies an edit to an undeleted status.
func (s *Store) EditStatus(ctx context.Context, id int64, e StatusEdit) error {
	res, err := s.idb.NewUpdate().Model((*Status)(nil)).
		Set("content = ?", e.Content).Set("spoiler_text = ?", e.SpoilerText).
		Set("sensitive = ?", e.Sensitive).Set("language = ?", e.Language).
		Set("edited_at = ?", e.EditedAt.UTC()).Set("updated_at = ?", time.Now().UTC()).
		Where("id = ?", id).Where("deleted_at IS NULL").Exec(ctx)
	return checkUpdated(res, err, "edit status")
}

// PublicReplies returns the undeleted public and unlisted replies to a
// status, oldest first, at most limit.
func (s *Store) PublicReplies(ctx context.Context, id int64, limit int) ([]Status, error) {
	var out []Status
	err := s.idb.NewSelect().Model(&out).Where("in_reply_to_id = ?", id).Where("deleted_at IS NULL").
		Where("visibility IN ('public', 'unlisted')").Where("reblog_of_id IS NULL").
		Order("id ASC").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: replies: %w", classify(err))
	}
	return out, nil
}

// FollowerInboxes returns where to deliver to the remote followers of an
// account: each follower's shared inbox when it has one, else its own
// inbox, without duplicates. Suspended followers are left out.
func (s *Store) FollowerInboxes(ctx context.Context, accountID int64) ([]string, error) {
	var out []string
	err := s.idb.NewRaw(followerInboxesSQL, accountID).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("storage: follower inboxes: %w", classify(err))
	}
	return out, nil
}

// followerInboxesSQL is FollowerInboxes' statement. Its conditions on
// the follower's account are those of the accounts_remote_inboxes
// index, which holds every column it reads (TestFollowerInboxes).
const followerInboxesSQL = `SELECT DISTINCT COALESCE(NULLIF(a.shared_inbox_uri, ''), a.inbox_uri) AS inbox
	FROM follows f JOIN accounts a ON a.id = f.account_id
	WHERE f.target_account_id = ? AND a.domain <> '' AND a.suspended_at IS NULL AND a.inbox_uri IS NOT NULL
	ORDER BY inbox`

// CountRemoteFollowers counts the remote accounts following accountID.
func (s *Store) CountRemoteFollowers(ctx context.Context, accountID int64) (int, error) {
	n, err := s.idb.NewSelect().TableExpr("follows AS f").Join("JOIN accounts AS a ON a.id = f.account_id").
		Where("f.target_account_id = ?", accountID).Where("a.domain <> ''").Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("storage: count remote followers: %w", classify(err))
	}
	return int(n), nil
}

// SetFollowRequestURI records the ActivityPub id of a follow request.
func (s *Store) SetFollowRequestURI(ctx context.Context, accountID, targetID int64, uri string) error {
	res, err := s.idb.NewUpdate().Model((*FollowRequest)(nil)).Set("uri = ?", uri).
		Where("account_id = ?", accountID).Where("target_account_id = ?", targetID).Exec(ctx)
	return checkUpdated(res, err, "set follow request uri")
}

// SetFollowURI records the ActivityPub id of an accepted follow.
func (s *Store) SetFollowURI(ctx context.Context, accountID, targetID int64, uri string) error {
	res, err := s.idb.NewUpdate().Model((*Follow)(nil)).Set("uri = ?", uri).
		Where("account_id = ?", accountID).Where("target_account_id = ?", targetID).Exec(ctx)
	return checkUpdated(res, err, "set follow uri")
}

// RemoveAccountContent empties a remote account whose server deleted it:
// its statuses are marked deleted and blanked, they leave every home feed,
// its notifications, follows and follow requests (both ways) go, and the
// account is suspended so that it is no longer shown.
func (s *Store) RemoveAccountContent(ctx context.Context, accountID int64, now time.Time) error {
	return s.InTx(ctx, func(ctx context.Context, tx *Store) error {
		now = now.UTC()
		stmts := []struct {
			q    string
			args []any
		}{
			{`UPDATE statuses SET deleted_at = ?, updated_at = ?, text = '', content = '', spoiler_text = ''
				WHERE account_id = ? AND deleted_at IS NULL`, []any{now, now, accountID}},
			{`DELETE FROM home_feed WHERE author_id = ?`, []any{accountID}},
			{`DELETE FROM notifications WHERE from_account_id = ?`, []any{accountID}},
			{`DELETE FROM follows WHERE account_id = ? OR target_account_id = ?`, []any{accountID, accountID}},
			{`DELETE FROM follow_requests WHERE account_id = ? OR target_account_id = ?`, []any{accountID, accountID}},
			{`UPDATE account_stats SET statuses_count = 0 WHERE account_id = ?`, []any{accountID}},
			{`UPDATE accounts SET suspended_at = ?, updated_at = ? WHERE id = ? AND domain <> ''`, []any{now, now, accountID}},
		}
		for _, st := range stmts {
			if _, err := tx.idb.NewRaw(st.q, st.args...).Exec(ctx); err != nil {
				return fmt.Errorf("storage: remove account content: %w", classify(err))
			}
		}
		return nil
	})
}

// RescheduleJobs makes the waiting jobs of kind runnable at at (an
// operator's "retry deliveries now"), and returns how many it moved.
func (s *Store) RescheduleJobs(ctx context.Context, kind string, at time.Time) (int, error) {
	res, err := s.idb.NewUpdate().Model((*Job)(nil)).Set("run_at = ?", at.UTC()).Set("updated_at = ?", time.Now().UTC()).
		Where("kind = ?", kind).Where("state = ?", JobAvailable).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("storage: reschedule jobs: %w", classify(err))
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// LocalAccountsByUsernames returns the local accounts among usernames
// (compared without case), keyed by lower-case username.
func (s *Store) LocalAccountsByUsernames(ctx context.Context, usernames []string) (map[string]*Account, error) {
	out := map[string]*Account{}
	if len(usernames) == 0 {
		return out, nil
	}
	var rows []Account
	if err := s.idb.NewSelect().Model(&rows).Where("domain = ''").
		Where("lower(username) IN (?)", bun.In(usernames)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: accounts by username: %w", classify(err))
	}
	for i := range rows {
		out[strings.ToLower(rows[i].Username)] = &rows[i]
	}
	return out, nil
}

// RemoteAccountsByURIs returns the known remote accounts among uris,
// keyed by URI.
func (s *Store) RemoteAccountsByURIs(ctx context.Context, uris []string) (map[string]*Account, error) {
	out := map[string]*Account{}
	if len(uris) == 0 {
		return out, nil
	}
	var rows []Account
	if err := s.idb.NewSelect().Model(&rows).Where("domain <> ''").Where("uri IN (?)", bun.In(uris)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: accounts by uri: %w", classify(err))
	}
	for i := range rows {
		out[*rows[i].URI] = &rows[i]
	}
	return out, nil
}

// HasLocalFollowers reports whether any local account follows accountID.
func (s *Store) HasLocalFollowers(ctx context.Context, accountID int64) (bool, error) {
	n, err := s.idb.NewSelect().TableExpr("follows AS f").Join("JOIN accounts AS a ON a.id = f.account_id").
		Where("f.target_account_id = ?", accountID).Where("a.domain = ''").Limit(1).Count(ctx)
	if err != nil {
		return false, fmt.Errorf("storage: local followers: %w", classify(err))
	}
	return n > 0, nil
}
