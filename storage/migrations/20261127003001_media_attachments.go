package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// Media attachments (core/media): uploaded images, re-encoded without
// metadata, before and after they are attached to a status.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`CREATE TABLE media_attachments (
				id BIGINT PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				status_id BIGINT REFERENCES statuses (id) ON DELETE CASCADE,
				position INTEGER NOT NULL DEFAULT 0,
				type TEXT NOT NULL,
				state TEXT NOT NULL,
				file_key TEXT NOT NULL,
				has_thumbnail BOOLEAN NOT NULL DEFAULT FALSE,
				content_type TEXT,
				width INTEGER NOT NULL DEFAULT 0,
				height INTEGER NOT NULL DEFAULT 0,
				file_size BIGINT NOT NULL DEFAULT 0,
				small_content_type TEXT,
				small_width INTEGER NOT NULL DEFAULT 0,
				small_height INTEGER NOT NULL DEFAULT 0,
				description TEXT,
				focus_x DOUBLE PRECISION NOT NULL DEFAULT 0,
				focus_y DOUBLE PRECISION NOT NULL DEFAULT 0,
				blurhash TEXT,
				remote_url TEXT,
				processed_at TIMESTAMPTZ,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE UNIQUE INDEX media_attachments_file_key ON media_attachments (file_key)`,
			`CREATE INDEX media_attachments_account_id_id ON media_attachments (account_id, id)`,
			`CREATE INDEX media_attachments_status_id ON media_attachments (status_id, position)`,
		)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, `DROP TABLE media_attachments`)
	})
}
