package migrations

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// execAll runs the statements in order in one transaction, so that a
// migration either applies whole or not at all (both engines have
// transactional DDL).
func execAll(ctx context.Context, db *bun.DB, stmts ...string) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("%w\n%s", err, s)
			}
		}
		return nil
	})
}
