package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// Lists (core/list): an account's named lists of accounts it follows, each
// with its own timeline. A member row hangs off the follow that allowed it,
// so that unfollowing (or blocking) takes the account off the owner's
// lists, as in Mastodon; the owner's own membership has no follow.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`CREATE TABLE lists (
				id BIGINT PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				title TEXT NOT NULL,
				replies_policy TEXT NOT NULL DEFAULT 'list',
				exclusive BOOLEAN NOT NULL DEFAULT FALSE,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE INDEX lists_account_id ON lists (account_id, id)`,
			`CREATE TABLE list_accounts (
				id BIGINT PRIMARY KEY,
				list_id BIGINT NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				follow_id BIGINT REFERENCES follows (id) ON DELETE CASCADE,
				created_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE UNIQUE INDEX list_accounts_list_account ON list_accounts (list_id, account_id)`,
			`CREATE INDEX list_accounts_account_id ON list_accounts (account_id)`,
			`CREATE INDEX list_accounts_follow_id ON list_accounts (follow_id)`,
		)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, `DROP TABLE list_accounts`, `DROP TABLE lists`)
	})
}
