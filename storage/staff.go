package storage

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// staffRoles are the user roles that moderate the instance: they are
// told of sign-ups and reports (admin.sign_up, admin.report).
var staffRoles = []string{"admin", "moderator"}

// Staff reports whether the user is an admin or a moderator.
func (u *User) Staff() bool {
	for _, r := range staffRoles {
		if u.Role == r {
			return true
		}
	}
	return false
}

// LocalStaff returns one account for each admin and moderator: the first
// made of the user's personas, unless suspended. Ordered by user.
func (s *Store) LocalStaff(ctx context.Context) ([]Account, error) {
	var rows []Account
	err := s.idb.NewSelect().Model(&rows).
		Join("JOIN users AS u ON u.id = account.user_id").
		Where("u.role IN (?)", bun.In(staffRoles)).Where("account.domain = ''").
		Order("account.user_id", "account.created_at", "account.id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: local staff: %w", classify(err))
	}
	out := make([]Account, 0, len(rows))
	for i, a := range rows {
		if i > 0 && *rows[i-1].UserID == *a.UserID {
			continue // a later persona of the same user
		}
		if !a.Suspended() {
			out = append(out, a)
		}
	}
	return out, nil
}

// IsStaff reports whether accountID is a local account (any persona) of
// an admin or a moderator.
func (s *Store) IsStaff(ctx context.Context, accountID int64) (bool, error) {
	n, err := s.idb.NewSelect().TableExpr("accounts AS a").
		Join("JOIN users AS u ON u.id = a.user_id").
		Where("a.id = ?", accountID).Where("u.role IN (?)", bun.In(staffRoles)).Count(ctx)
	if err != nil {
		return false, fmt.Errorf("storage: is staff: %w", classify(err))
	}
	return n > 0, nil
}
