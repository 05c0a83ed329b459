package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// Read markers (core/marker): per account and timeline (home,
// notifications), the last status or notification read, with a version
// that grows on every save.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`CREATE TABLE markers (
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				timeline TEXT NOT NULL,
				last_read_id BIGINT NOT NULL,
				version INTEGER NOT NULL DEFAULT 0,
				updated_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (account_id, timeline)
			)`,
		)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, `DROP TABLE markers`)
	})
}
