package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// Polls: one per status at most, its options with their tallies, and one
// row per voter holding the options chosen (so an account votes once).
// The tallies are counters kept with the votes, so that remote polls,
// whose votes live elsewhere, can carry their server's counts too.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`CREATE TABLE polls (
				id BIGINT PRIMARY KEY,
				status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				multiple BOOLEAN NOT NULL DEFAULT FALSE,
				hide_totals BOOLEAN NOT NULL DEFAULT FALSE,
				expires_at TIMESTAMPTZ,
				closed_at TIMESTAMPTZ,
				votes_count INTEGER NOT NULL DEFAULT 0,
				voters_count INTEGER NOT NULL DEFAULT 0,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE UNIQUE INDEX polls_status_id ON polls (status_id)`,
			`CREATE TABLE poll_options (
				poll_id BIGINT NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
				ordinal INTEGER NOT NULL,
				title TEXT NOT NULL,
				votes_count INTEGER NOT NULL DEFAULT 0,
				PRIMARY KEY (poll_id, ordinal)
			)`,
			`CREATE TABLE poll_votes (
				poll_id BIGINT NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				choices TEXT NOT NULL,
				uri TEXT,
				created_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (poll_id, account_id)
			)`,
			`CREATE INDEX poll_votes_account_id ON poll_votes (account_id)`,
		)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, `DROP TABLE poll_votes`, `DROP TABLE poll_options`, `DROP TABLE polls`)
	})
}
