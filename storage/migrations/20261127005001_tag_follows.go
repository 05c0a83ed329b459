package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// Followed hashtags (core/tag): new public posts carrying a tag an account
// follows go into that account's home feed.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`CREATE TABLE tag_follows (
				id BIGINT PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
				created_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE UNIQUE INDEX tag_follows_account_tag ON tag_follows (account_id, tag_id)`,
			`CREATE INDEX tag_follows_tag_id ON tag_follows (tag_id)`,
		)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, `DROP TABLE tag_follows`)
	})
}
