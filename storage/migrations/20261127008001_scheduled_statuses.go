package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// Scheduled statuses: a status to publish later, its parameters kept as
// JSON until a job (core/job, kind status.scheduled) publishes it. The
// revision counts reschedulings, so that a job for an earlier time finds
// nothing to publish.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`CREATE TABLE scheduled_statuses (
				id BIGINT PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				scheduled_at TIMESTAMPTZ NOT NULL,
				revision INTEGER NOT NULL DEFAULT 0,
				params TEXT NOT NULL,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE INDEX scheduled_statuses_account_id ON scheduled_statuses (account_id, id)`,
			`CREATE INDEX scheduled_statuses_account_scheduled_at ON scheduled_statuses (account_id, scheduled_at)`,
		)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, `DROP TABLE scheduled_statuses`)
	})
}
