package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// home_feed_pending holds, on SQLite, the statuses whose followers' home
// feed rows are still to be written: a post records itself here in its
// own transaction, and a flush later writes the rows of every pending
// status in one sorted INSERT (storage/home_pending.go,
// docs/decisions/20261201-sqlite-deferred-fan-out.md). The table exists
// on PostgreSQL too, so that the schema is the same, and stays empty
// there. A status that is deleted for good takes its pending row with
// it.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`CREATE TABLE home_feed_pending (
				status_id BIGINT PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,
				author_id BIGINT NOT NULL
			)`,
		)
	}, func(ctx context.Context, db *bun.DB) error {
		// Whatever is pending reaches its feeds before the table goes.
		return execAll(ctx, db,
			`INSERT INTO home_feed (account_id, status_id, author_id)
				SELECT f.account_id, p.status_id, p.author_id FROM home_feed_pending p
				JOIN statuses s ON s.id = p.status_id
				JOIN follows f ON f.target_account_id = p.author_id
				JOIN accounts a ON a.id = f.account_id
				WHERE a.domain = '' AND s.deleted_at IS NULL
				ON CONFLICT DO NOTHING`,
			`DROP TABLE home_feed_pending`)
	})
}
