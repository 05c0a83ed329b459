package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// Keyword and status filters (core/filter), Mastodon's v2 model: a filter
// has a title, the contexts it applies in (a comma-separated list), an
// action (warn or hide) and an optional expiry, and holds keywords and
// statuses. The v1 API shows each keyword as a filter of its own.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`CREATE TABLE filters (
				id BIGINT PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				title TEXT NOT NULL,
				context TEXT NOT NULL,
				action TEXT NOT NULL DEFAULT 'warn',
				expires_at TIMESTAMPTZ,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE INDEX filters_account_id ON filters (account_id, id)`,
			`CREATE TABLE filter_keywords (
				id BIGINT PRIMARY KEY,
				filter_id BIGINT NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
				keyword TEXT NOT NULL,
				whole_word BOOLEAN NOT NULL DEFAULT TRUE,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE INDEX filter_keywords_filter_id ON filter_keywords (filter_id, id)`,
			`CREATE TABLE filter_statuses (
				id BIGINT PRIMARY KEY,
				filter_id BIGINT NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
				status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
				created_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE UNIQUE INDEX filter_statuses_filter_status ON filter_statuses (filter_id, status_id)`,
			`CREATE INDEX filter_statuses_status_id ON filter_statuses (status_id)`,
		)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, `DROP TABLE filter_statuses`, `DROP TABLE filter_keywords`, `DROP TABLE filters`)
	})
}
