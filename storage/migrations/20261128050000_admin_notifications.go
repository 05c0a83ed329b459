package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// Reports filed through the Mastodon API (POST /api/v1/reports) carry a
// category and may be forwarded to the reported account's server, and an
// admin.report notification names the report it is about. report_id has
// no foreign key (SQLite cannot drop a column that has one); a
// notification whose report is gone is not shown.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`ALTER TABLE reports ADD COLUMN category TEXT NOT NULL DEFAULT 'other'`,
			`ALTER TABLE reports ADD COLUMN forwarded BOOLEAN NOT NULL DEFAULT FALSE`,
			`ALTER TABLE notifications ADD COLUMN report_id BIGINT`,
		)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`ALTER TABLE notifications DROP COLUMN report_id`,
			`ALTER TABLE reports DROP COLUMN forwarded`,
			`ALTER TABLE reports DROP COLUMN category`,
		)
	})
}
