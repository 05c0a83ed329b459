package migrations

import (
	"context"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// On SQLite, home_feed loses its foreign keys, as it did on PostgreSQL in
// 20261128040000: triggers on accounts and statuses delete the rows of a
// deleted parent, as ON DELETE CASCADE did. The reason differs. A SQLite
// statement that writes many rows and may stop halfway on a broken
// immediate foreign key keeps a statement journal, a copy of every page
// it touches, so that it can be undone alone. The batched fan-out
// (storage/home_pending.go) writes thousands of feed rows per statement,
// and that copy (in memory, then freed) was about a third of SQLite's
// posting CPU (docs/decisions/20261203-sqlite-feed-without-foreign-keys.md).
// Every writer of home_feed takes its IDs from accounts and statuses in
// the same statement, and SQLite has one writer at a time, so no row can
// name a parent that is not there. Nothing changes on PostgreSQL.
func init() {
	const (
		accountRef = "account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
		statusRef  = "status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,"
		account    = "account_id BIGINT NOT NULL,"
		status     = "status_id BIGINT NOT NULL,"
	)
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		if db.Dialect().Name() != dialect.SQLite {
			return nil
		}
		return rebuild{
			table: "home_feed", key: "account_id, status_id",
			edits: []edit{{accountRef, account}, {statusRef, status}},
			after: []string{
				`CREATE TRIGGER home_feed_forget_accounts AFTER DELETE ON accounts
					BEGIN DELETE FROM home_feed WHERE account_id = OLD.id; END`,
				`CREATE TRIGGER home_feed_forget_statuses AFTER DELETE ON statuses
					BEGIN DELETE FROM home_feed WHERE status_id = OLD.id; END`,
			},
		}.run(ctx, db)
	}, func(ctx context.Context, db *bun.DB) error {
		if db.Dialect().Name() != dialect.SQLite {
			return nil
		}
		return rebuild{
			table: "home_feed", key: "account_id, status_id",
			edits: []edit{{account, accountRef}, {status, statusRef}},
			before: []string{
				`DROP TRIGGER home_feed_forget_accounts`,
				`DROP TRIGGER home_feed_forget_statuses`,
				// Rows the foreign keys would refuse (none, unless written by
				// hand) would fail the rebuild's check.
				`DELETE FROM home_feed WHERE account_id NOT IN (SELECT id FROM accounts)
					OR status_id NOT IN (SELECT id FROM statuses)`,
			},
		}.run(ctx, db)
	})
}
