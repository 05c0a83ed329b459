package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// OAuth 2: registered apps, authorization codes, access tokens, and the
// browser sessions of the sign-in and consent pages. Codes, tokens and
// session tokens are stored as SHA-256 hashes only.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`CREATE TABLE oauth_apps (
				id BIGINT PRIMARY KEY,
				name TEXT NOT NULL,
				website TEXT NOT NULL DEFAULT '',
				redirect_uris TEXT NOT NULL,
				scopes TEXT NOT NULL,
				client_id TEXT NOT NULL,
				client_secret_hash TEXT NOT NULL,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE UNIQUE INDEX oauth_apps_client_id ON oauth_apps (client_id)`,
			`CREATE TABLE oauth_tokens (
				id BIGINT PRIMARY KEY,
				token_hash TEXT NOT NULL,
				refresh_hash TEXT,
				app_id BIGINT NOT NULL REFERENCES oauth_apps (id) ON DELETE CASCADE,
				user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
				account_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
				scopes TEXT NOT NULL,
				created_at TIMESTAMPTZ NOT NULL,
				revoked_at TIMESTAMPTZ
			)`,
			`CREATE UNIQUE INDEX oauth_tokens_token_hash ON oauth_tokens (token_hash)`,
			`CREATE UNIQUE INDEX oauth_tokens_refresh_hash ON oauth_tokens (refresh_hash)`,
			`CREATE INDEX oauth_tokens_app_id ON oauth_tokens (app_id)`,
			`CREATE INDEX oauth_tokens_user_id ON oauth_tokens (user_id)`,
			`CREATE TABLE oauth_codes (
				id BIGINT PRIMARY KEY,
				code_hash TEXT NOT NULL,
				app_id BIGINT NOT NULL REFERENCES oauth_apps (id) ON DELETE CASCADE,
				user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				redirect_uri TEXT NOT NULL,
				scopes TEXT NOT NULL,
				code_challenge TEXT NOT NULL DEFAULT '',
				code_challenge_method TEXT NOT NULL DEFAULT '',
				expires_at TIMESTAMPTZ NOT NULL,
				used_at TIMESTAMPTZ,
				token_id BIGINT REFERENCES oauth_tokens (id) ON DELETE SET NULL,
				created_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE UNIQUE INDEX oauth_codes_code_hash ON oauth_codes (code_hash)`,
			`CREATE INDEX oauth_codes_expires_at ON oauth_codes (expires_at)`,
			`CREATE TABLE web_sessions (
				id BIGINT PRIMARY KEY,
				token_hash TEXT NOT NULL,
				user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				created_at TIMESTAMPTZ NOT NULL,
				expires_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE UNIQUE INDEX web_sessions_token_hash ON web_sessions (token_hash)`,
			`CREATE INDEX web_sessions_expires_at ON web_sessions (expires_at)`,
		)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, `DROP TABLE web_sessions`, `DROP TABLE oauth_codes`, `DROP TABLE oauth_tokens`, `DROP TABLE oauth_apps`)
	})
}
