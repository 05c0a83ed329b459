package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
)

// CreateOAuthToken stores a token, filling in its ID and creation time.
func (s *Store) CreateOAuthToken(ctx context.Context, t *OAuthToken) error {
	t.ID = s.NewID()
	t.CreatedAt = time.Now().UTC()
	if _, err := s.idb.NewInsert().Model(t).Exec(ctx); err != nil {
		return fmt.Errorf("storage: create token: %w", classify(err))
	}
	return nil
}

// ActiveOAuthToken returns the unrevoked token with that hash together
// with its app, user and account, in one prepared statement
// (activeTokenQuery).
func (s *Store) ActiveOAuthToken(ctx context.Context, tokenHash string) (*OAuthToken, error) {
	rs, err := s.queryFixed(ctx, activeTokenQuery, tokenHash)
	if err != nil {
		return nil, fmt.Errorf("storage: token: %w", classify(err))
	}
	var row activeTokenRow
	if err := s.db.ScanRows(ctx, rs, &row); err != nil {
		return nil, fmt.Errorf("storage: token: %w", classify(err))
	}
	if row.ID == 0 {
		return nil, fmt.Errorf("storage: token: %w", classify(sql.ErrNoRows))
	}
	t := &row.OAuthToken
	// A LEFT JOIN that found nothing leaves its columns NULL, which bun
	// scans as zero: only what was found is pointed to, as bun's
	// relations do.
	if row.JoinedApp.ID != 0 {
		t.App = &row.JoinedApp
	}
	if row.JoinedUser.ID != 0 {
		t.User = &row.JoinedUser
	}
	if row.JoinedAccount.ID != 0 {
		t.Account = &row.JoinedAccount
	}
	return t, nil
}

// activeTokenQuery is ActiveOAuthToken's statement: the token with its
// app, user and account joined, written by bun from the models once (the
// text is the same on both databases) and prepared once per connection
// (prepared.go). Built by bun for each lookup, it was new text to the
// database each time, and the four-table join of fifty columns was
// parsed and planned again for every signed-in client each time its
// grant expired from core/oauth's cache (every 2 s by default).
var activeTokenQuery = bun.NewDB(nil, sqlitedialect.New()).NewSelect().Model((*OAuthToken)(nil)).
	Relation("App").Relation("User").Relation("Account").
	Where("oauth_token.token_hash = ?", bun.Safe("CAST(?0 AS TEXT)")).
	Where("oauth_token.revoked_at IS NULL").
	String()

// activeTokenRow is a row of activeTokenQuery: bun names the joined
// columns app__id, user__id and so on, which the embedded models take.
type activeTokenRow struct {
	OAuthToken
	JoinedApp     OAuthApp `bun:"embed:app__"`
	JoinedUser    User     `bun:"embed:user__"`
	JoinedAccount Account  `bun:"embed:account__"`
}

// OAuthTokenByHash returns the token, revoked or not, whose access or
// refresh token has that hash.
func (s *Store) OAuthTokenByHash(ctx context.Context, hash string) (*OAuthToken, error) {
	t := new(OAuthToken)
	err := s.idb.NewSelect().Model(t).
		Where("token_hash = ? OR refresh_hash = ?", hash, hash).
		Limit(1).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: token: %w", classify(err))
	}
	return t, nil
}

// ActiveOAuthTokenByRefresh returns the unrevoked token whose refresh
// token has that hash.
func (s *Store) ActiveOAuthTokenByRefresh(ctx context.Context, refreshHash string) (*OAuthToken, error) {
	t := new(OAuthToken)
	err := s.idb.NewSelect().Model(t).
		Where("refresh_hash = ?", refreshHash).Where("revoked_at IS NULL").
		Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: token by refresh: %w", classify(err))
	}
	return t, nil
}

// RevokeOAuthToken marks the token revoked, reporting whether it was
// active until now (false when already revoked), so that two concurrent
// refreshes of one token cannot both succeed.
func (s *Store) RevokeOAuthToken(ctx context.Context, id int64) (bool, error) {
	res, err := s.idb.NewUpdate().Model((*OAuthToken)(nil)).
		Set("revoked_at = ?", time.Now().UTC()).
		Where("id = ?", id).Where("revoked_at IS NULL").
		Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("storage: revoke token: %w", classify(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("storage: revoke token: %w", err)
	}
	return n == 1, nil
}

// TouchUserActive sets users.last_active_at to now unless it is already
// later than since, so that token use writes at most once per period
// (since = now minus the period).
func (s *Store) TouchUserActive(ctx context.Context, userID int64, now, since time.Time) error {
	_, err := s.idb.NewUpdate().Model((*User)(nil)).
		Set("last_active_at = ?", now.UTC()).
		Where("id = ?", userID).
		Where("last_active_at IS NULL OR last_active_at <= ?", since.UTC()).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("storage: touch user: %w", classify(err))
	}
	return nil
}
