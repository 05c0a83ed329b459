package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// The background job queue (core/job): one row per job waiting, running or
// discarded after its last attempt. Finished jobs are deleted.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`CREATE TABLE jobs (
				id BIGINT PRIMARY KEY,
				kind TEXT NOT NULL,
				job_key TEXT,
				args TEXT NOT NULL DEFAULT '{}',
				priority INTEGER NOT NULL DEFAULT 2,
				state TEXT NOT NULL DEFAULT 'available',
				attempt INTEGER NOT NULL DEFAULT 0,
				max_attempts INTEGER NOT NULL,
				run_at TIMESTAMPTZ NOT NULL,
				locked_by TEXT,
				locked_until TIMESTAMPTZ,
				last_error TEXT,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL
			)`,
			// The claim query: runnable jobs in priority, then time, order.
			`CREATE INDEX jobs_claim ON jobs (state, priority, run_at, id)`,
			// Expired leases of crashed processes.
			`CREATE INDEX jobs_locked_until ON jobs (locked_until) WHERE state = 'running'`,
			// At most one live job per (kind, key), for work such as one
			// scheduled status or one poll's expiry.
			`CREATE UNIQUE INDEX jobs_kind_key ON jobs (kind, job_key) WHERE job_key IS NOT NULL`,
		)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, `DROP TABLE jobs`)
	})
}
