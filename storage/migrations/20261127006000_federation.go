package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// Federation: domain policies (blocks, and the allowlist of allowlist
// mode), the ids of activities already received (inbox dedupe), the health
// of remote hosts Rounds delivers to, and reports (Flag activities from
// other servers, for moderators).
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`CREATE TABLE domain_policies (
				domain TEXT NOT NULL,
				policy TEXT NOT NULL,
				created_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (domain, policy)
			)`,
			`CREATE TABLE inbox_activities (
				activity_id TEXT PRIMARY KEY,
				received_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE INDEX inbox_activities_received_at ON inbox_activities (received_at)`,
			`CREATE TABLE delivery_hosts (
				host TEXT PRIMARY KEY,
				failing_since TIMESTAMPTZ,
				last_failure_at TIMESTAMPTZ,
				last_success_at TIMESTAMPTZ,
				dead_since TIMESTAMPTZ
			)`,
			`CREATE TABLE reports (
				id BIGINT PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				target_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				status_ids TEXT NOT NULL DEFAULT '',
				comment TEXT NOT NULL DEFAULT '',
				uri TEXT,
				created_at TIMESTAMPTZ NOT NULL,
				resolved_at TIMESTAMPTZ
			)`,
			`CREATE INDEX reports_target_account_id ON reports (target_account_id, id)`,
			`CREATE UNIQUE INDEX reports_uri ON reports (uri)`,
		)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, `DROP TABLE reports`, `DROP TABLE delivery_hosts`,
			`DROP TABLE inbox_activities`, `DROP TABLE domain_policies`)
	})
}
