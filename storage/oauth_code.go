package storage

import (
	"context"
	"fmt"
	"time"
)

// CreateOAuthCode stores an authorization code, filling in its ID and
// creation time.
func (s *Store) CreateOAuthCode(ctx context.Context, c *OAuthCode) error {
	c.ID = s.NewID()
	c.CreatedAt = time.Now().UTC()
	if _, err := s.idb.NewInsert().Model(c).Exec(ctx); err != nil {
		return fmt.Errorf("storage: create code: %w", classify(err))
	}
	return nil
}

// OAuthCodeByHash returns the code with that hash, used or not.
func (s *Store) OAuthCodeByHash(ctx context.Context, codeHash string) (*OAuthCode, error) {
	c := new(OAuthCode)
	if err := s.idb.NewSelect().Model(c).Where("code_hash = ?", codeHash).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: code: %w", classify(err))
	}
	return c, nil
}

// ClaimOAuthCode marks an unused code used at now, reporting whether this
// call was the one to do so; of two concurrent exchanges one wins.
func (s *Store) ClaimOAuthCode(ctx context.Context, id int64, now time.Time) (bool, error) {
	res, err := s.idb.NewUpdate().Model((*OAuthCode)(nil)).
		Set("used_at = ?", now.UTC()).
		Where("id = ?", id).Where("used_at IS NULL").
		Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("storage: claim code: %w", classify(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("storage: claim code: %w", err)
	}
	return n == 1, nil
}

// SetOAuthCodeToken records the token a code was exchanged for.
func (s *Store) SetOAuthCodeToken(ctx context.Context, codeID, tokenID int64) error {
	res, err := s.idb.NewUpdate().Model((*OAuthCode)(nil)).
		Set("token_id = ?", tokenID).Where("id = ?", codeID).Exec(ctx)
	return checkUpdated(res, err, "set code token")
}

// DeleteExpiredOAuthCodes removes codes that expired before cutoff, used
// or not, and returns how many went.
func (s *Store) DeleteExpiredOAuthCodes(ctx context.Context, cutoff time.Time) (int, error) {
	res, err := s.idb.NewDelete().Model((*OAuthCode)(nil)).Where("expires_at < ?", cutoff.UTC()).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("storage: delete expired codes: %w", classify(err))
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
