package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// The social graph and what hangs off a status: mentions, hashtags,
// follows, follow requests, blocks, the home feed (fan-out on write),
// notifications, posting preferences and Idempotency-Key records.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`CREATE TABLE status_mentions (
				status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				PRIMARY KEY (status_id, account_id)
			)`,
			`CREATE INDEX status_mentions_account_id ON status_mentions (account_id, status_id)`,
			`CREATE TABLE tags (
				id BIGINT PRIMARY KEY,
				name TEXT NOT NULL,
				created_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE UNIQUE INDEX tags_name ON tags (name)`,
			`CREATE TABLE status_tags (
				status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
				tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
				PRIMARY KEY (status_id, tag_id)
			)`,
			`CREATE INDEX status_tags_tag_id ON status_tags (tag_id, status_id)`,
			`CREATE INDEX statuses_visibility_id ON statuses (visibility, id)`,
			`CREATE INDEX statuses_conversation_id ON statuses (conversation_id)`,
			`CREATE TABLE follows (
				id BIGINT PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				target_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				show_reblogs BOOLEAN NOT NULL DEFAULT TRUE,
				notify BOOLEAN NOT NULL DEFAULT FALSE,
				uri TEXT,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE UNIQUE INDEX follows_account_target ON follows (account_id, target_account_id)`,
			`CREATE INDEX follows_target_id ON follows (target_account_id, id)`,
			`CREATE TABLE follow_requests (
				id BIGINT PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				target_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				show_reblogs BOOLEAN NOT NULL DEFAULT TRUE,
				notify BOOLEAN NOT NULL DEFAULT FALSE,
				uri TEXT,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE UNIQUE INDEX follow_requests_account_target ON follow_requests (account_id, target_account_id)`,
			`CREATE INDEX follow_requests_target_id ON follow_requests (target_account_id, id)`,
			`CREATE TABLE blocks (
				id BIGINT PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				target_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				uri TEXT,
				created_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE UNIQUE INDEX blocks_account_target ON blocks (account_id, target_account_id)`,
			`CREATE INDEX blocks_target ON blocks (target_account_id)`,
			`CREATE TABLE home_feed (
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
				author_id BIGINT NOT NULL,
				PRIMARY KEY (account_id, status_id)
			)`,
			`CREATE INDEX home_feed_account_author ON home_feed (account_id, author_id)`,
			`CREATE INDEX home_feed_status_id ON home_feed (status_id)`,
			`CREATE TABLE notifications (
				id BIGINT PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				from_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				type TEXT NOT NULL,
				status_id BIGINT REFERENCES statuses (id) ON DELETE CASCADE,
				created_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE INDEX notifications_account_id ON notifications (account_id, id)`,
			`CREATE INDEX notifications_status_id ON notifications (status_id)`,
			`CREATE INDEX notifications_from_account_id ON notifications (from_account_id)`,
			`CREATE TABLE account_preferences (
				account_id BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
				default_visibility TEXT NOT NULL DEFAULT 'public',
				default_sensitive BOOLEAN NOT NULL DEFAULT FALSE,
				default_language TEXT,
				expand_media TEXT NOT NULL DEFAULT 'default',
				expand_spoilers BOOLEAN NOT NULL DEFAULT FALSE,
				updated_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE TABLE idempotency_keys (
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				key_hash TEXT NOT NULL,
				status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
				created_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (account_id, key_hash)
			)`,
		)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`DROP TABLE idempotency_keys`, `DROP TABLE account_preferences`, `DROP TABLE notifications`,
			`DROP TABLE home_feed`, `DROP TABLE blocks`, `DROP TABLE follow_requests`, `DROP TABLE follows`,
			`DROP INDEX statuses_conversation_id`, `DROP INDEX statuses_visibility_id`,
			`DROP TABLE status_tags`, `DROP TABLE tags`, `DROP TABLE status_mentions`)
	})
}
