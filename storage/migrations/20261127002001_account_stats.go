package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// account_stats keeps each account's status count and newest status time
// as counters updated with every status written or deleted, so that
// rendering an account never counts its statuses (which grows with them).
// Follower and following counts stay index counts on follows.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`CREATE TABLE account_stats (
				account_id BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
				statuses_count BIGINT NOT NULL DEFAULT 0,
				last_status_at TIMESTAMPTZ
			)`,
			`INSERT INTO account_stats (account_id, statuses_count, last_status_at)
				SELECT account_id, count(*), max(created_at) FROM statuses
				WHERE deleted_at IS NULL AND visibility <> 'direct' GROUP BY account_id`,
		)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, `DROP TABLE account_stats`)
	})
}
