package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`CREATE TABLE users (
				id BIGINT PRIMARY KEY,
				email TEXT NOT NULL,
				password_hash TEXT NOT NULL,
				role TEXT NOT NULL DEFAULT 'member',
				confirmed_at TIMESTAMPTZ,
				approved BOOLEAN NOT NULL DEFAULT FALSE,
				last_active_at TIMESTAMPTZ,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE UNIQUE INDEX users_email_lower ON users (lower(email))`,
			`CREATE TABLE accounts (
				id BIGINT PRIMARY KEY,
				user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
				username TEXT NOT NULL,
				domain TEXT NOT NULL DEFAULT '',
				actor_type TEXT NOT NULL DEFAULT 'Person',
				display_name TEXT NOT NULL DEFAULT '',
				note TEXT NOT NULL DEFAULT '',
				locked BOOLEAN NOT NULL DEFAULT FALSE,
				bot BOOLEAN NOT NULL DEFAULT FALSE,
				discoverable BOOLEAN NOT NULL DEFAULT TRUE,
				suspended_at TIMESTAMPTZ,
				private_key_pem TEXT,
				public_key_pem TEXT NOT NULL DEFAULT '',
				public_key_uri TEXT,
				uri TEXT,
				url TEXT,
				inbox_uri TEXT,
				outbox_uri TEXT,
				shared_inbox_uri TEXT,
				followers_uri TEXT,
				following_uri TEXT,
				fetched_at TIMESTAMPTZ,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE UNIQUE INDEX accounts_username_domain ON accounts (lower(username), domain)`,
			`CREATE UNIQUE INDEX accounts_uri ON accounts (uri)`,
			`CREATE INDEX accounts_user_id ON accounts (user_id)`,
		)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, `DROP TABLE accounts`, `DROP TABLE users`)
	})
}
