package storage

import (
	"context"
	"fmt"
	"time"
)

// IdempotentStatusID returns the status an account created with an
// Idempotency-Key (stored as keyHash) at or after since; ErrNotFound when
// there is none. Older records are removed on the way.
func (s *Store) IdempotentStatusID(ctx context.Context, accountID int64, keyHash string, since time.Time) (int64, error) {
	if _, err := s.idb.NewRaw(`DELETE FROM idempotency_keys WHERE account_id = ? AND key_hash = ? AND created_at < ?`,
		accountID, keyHash, since.UTC()).Exec(ctx); err != nil {
		return 0, fmt.Errorf("storage: idempotency key: %w", classify(err))
	}
	var id int64
	err := s.idb.NewSelect().Table("idempotency_keys").Column("status_id").
		Where("account_id = ?", accountID).Where("key_hash = ?", keyHash).Scan(ctx, &id)
	if err != nil {
		return 0, fmt.Errorf("storage: idempotency key: %w", classify(err))
	}
	return id, nil
}

// SaveIdempotencyKey records that keyHash made statusID; ErrConflict when
// another request recorded the same key first.
func (s *Store) SaveIdempotencyKey(ctx context.Context, accountID int64, keyHash string, statusID int64) error {
	_, err := s.idb.NewRaw(`INSERT INTO idempotency_keys (account_id, key_hash, status_id, created_at) VALUES (?, ?, ?, ?)`,
		accountID, keyHash, statusID, time.Now().UTC()).Exec(ctx)
	if err != nil {
		return fmt.Errorf("storage: idempotency key: %w", classify(err))
	}
	return nil
}
