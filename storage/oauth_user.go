package storage

import (
	"context"
	"fmt"
)

// FirstAccountOfUser returns the oldest account of a user, the one a
// sign-in acts as.
func (s *Store) FirstAccountOfUser(ctx context.Context, userID int64) (*Account, error) {
	a := new(Account)
	// created_at, not id: a persona's ID is scattered over the day
	// before it was made (core/account), the sign-up's account is first.
	err := s.idb.NewSelect().Model(a).Where("user_id = ?", userID).Order("created_at ASC", "id ASC").Limit(1).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: account of user %d: %w", userID, classify(err))
	}
	return a, nil
}
