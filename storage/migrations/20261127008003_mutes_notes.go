package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// Mutes (optionally of notifications too, optionally until a time) and
// the private notes an account keeps about others.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`CREATE TABLE mutes (
				id BIGINT PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				target_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				hide_notifications BOOLEAN NOT NULL DEFAULT TRUE,
				expires_at TIMESTAMPTZ,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE UNIQUE INDEX mutes_account_target ON mutes (account_id, target_account_id)`,
			`CREATE INDEX mutes_target ON mutes (target_account_id)`,
			`CREATE TABLE account_notes (
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				target_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				comment TEXT NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (account_id, target_account_id)
			)`,
		)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, `DROP TABLE account_notes`, `DROP TABLE mutes`)
	})
}
