package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// What people do to statuses (core/post): favourites, bookmarks, pins,
// muted conversations, one boost per account and status, and the
// snapshots that make up an edited status's history.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`CREATE TABLE favourites (
				id BIGINT PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
				created_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE UNIQUE INDEX favourites_account_status ON favourites (account_id, status_id)`,
			`CREATE INDEX favourites_account_id_id ON favourites (account_id, id)`,
			`CREATE INDEX favourites_status_id_id ON favourites (status_id, id)`,
			`CREATE TABLE bookmarks (
				id BIGINT PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
				created_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE UNIQUE INDEX bookmarks_account_status ON bookmarks (account_id, status_id)`,
			`CREATE INDEX bookmarks_account_id_id ON bookmarks (account_id, id)`,
			`CREATE INDEX bookmarks_status_id ON bookmarks (status_id)`,
			`CREATE TABLE status_pins (
				id BIGINT PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
				created_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE UNIQUE INDEX status_pins_account_status ON status_pins (account_id, status_id)`,
			`CREATE INDEX status_pins_status_id ON status_pins (status_id)`,
			`CREATE TABLE conversation_mutes (
				id BIGINT PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				conversation_id BIGINT NOT NULL,
				created_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE UNIQUE INDEX conversation_mutes_account_conversation ON conversation_mutes (account_id, conversation_id)`,
			// One live boost per account and status (a deleted one keeps its row).
			`CREATE UNIQUE INDEX statuses_account_reblog ON statuses (account_id, reblog_of_id)
				WHERE reblog_of_id IS NOT NULL AND deleted_at IS NULL`,
			`CREATE TABLE status_edits (
				id BIGINT PRIMARY KEY,
				status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				text TEXT NOT NULL DEFAULT '',
				content TEXT NOT NULL DEFAULT '',
				spoiler_text TEXT NOT NULL DEFAULT '',
				sensitive BOOLEAN NOT NULL DEFAULT FALSE,
				language TEXT,
				media_ids TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE INDEX status_edits_status_id_id ON status_edits (status_id, id)`,
		)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`DROP TABLE status_edits`, `DROP INDEX statuses_account_reblog`, `DROP TABLE conversation_mutes`,
			`DROP TABLE status_pins`, `DROP TABLE bookmarks`, `DROP TABLE favourites`)
	})
}
