package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`CREATE TABLE statuses (
				id BIGINT PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				uri TEXT,
				url TEXT,
				local BOOLEAN NOT NULL,
				in_reply_to_id BIGINT,
				in_reply_to_account_id BIGINT,
				reblog_of_id BIGINT REFERENCES statuses (id) ON DELETE CASCADE,
				conversation_id BIGINT,
				text TEXT NOT NULL DEFAULT '',
				content TEXT NOT NULL DEFAULT '',
				spoiler_text TEXT NOT NULL DEFAULT '',
				sensitive BOOLEAN NOT NULL DEFAULT FALSE,
				visibility TEXT NOT NULL,
				language TEXT,
				application_id BIGINT,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL,
				edited_at TIMESTAMPTZ,
				deleted_at TIMESTAMPTZ
			)`,
			`CREATE UNIQUE INDEX statuses_uri ON statuses (uri)`,
			`CREATE INDEX statuses_account_id_id ON statuses (account_id, id)`,
			`CREATE INDEX statuses_in_reply_to_id ON statuses (in_reply_to_id)`,
			`CREATE INDEX statuses_reblog_of_id ON statuses (reblog_of_id)`,
		)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, `DROP TABLE statuses`)
	})
}
