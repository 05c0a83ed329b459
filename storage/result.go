package storage

import (
	"database/sql"
	"fmt"
)

// checkUpdated turns an UPDATE's outcome into an error, ErrNotFound when no
// row matched.
func checkUpdated(res sql.Result, err error, op string) error {
	if err != nil {
		return fmt.Errorf("storage: %s: %w", op, classify(err))
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("storage: %s: %w", op, ErrNotFound)
	}
	return nil
}
