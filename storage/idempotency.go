package storage

import (
	"context"
	"fmt"
	"time"
)

// IdempotentStatusID returns the status an account created with an
// Idempotency-Key (stored as keyHash) at or after since; ErrNotFound when
// there is none. It only reads: a record older than since is replaced by
// SaveIdempotencyKey, inside the new status's transaction.
func (s *Store) IdempotentStatusID(ctx context.Context, accountID int64, keyHash string, since time.Time) (int64, error) {
	var id int64
	err := s.idb.NewSelect().Table("idempotency_keys").Column("status_id").
		Where("account_id = ?", accountID).Where("key_hash = ?", keyHash).Where("created_at >= ?", since.UTC()).
		Scan(ctx, &id)
	if err != nil {
		return 0, fmt.Errorf("storage: idempotency key: %w", classify(err))
	}
	return id, nil
}

// SaveIdempotencyKey records that keyHash made statusID, replacing a
// record of the same key made before since; ErrConflict when another
// request recorded the same key at or after since.
func (s *Store) SaveIdempotencyKey(ctx context.Context, accountID int64, keyHash string, statusID int64, since time.Time) error {
	res, err := s.idb.NewRaw(`INSERT INTO idempotency_keys (account_id, key_hash, status_id, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (account_id, key_hash) DO UPDATE SET status_id = EXCLUDED.status_id, created_at = EXCLUDED.created_at
		WHERE idempotency_keys.created_at < ?`,
		accountID, keyHash, statusID, time.Now().UTC(), since.UTC()).Exec(ctx)
	if err != nil {
		return fmt.Errorf("storage: idempotency key: %w", classify(err))
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("storage: idempotency key: %w", ErrConflict)
	}
	return nil
}
