package migrations

import (
	"context"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// Posting writes one home_feed row per local follower, so what each row
// costs to insert bounds how fast statuses can be created
// (docs/performance.md, docs/decisions/20261128-home-feed-writes.md):
//
//   - The (account_id, author_id) index goes: it put a second random
//     B-tree page under every row (on SQLite it was half the fan-out's
//     pages), and only removing an author from one reader's feed used it;
//     that now finds the rows through the author's statuses.
//   - On PostgreSQL the foreign keys go, replaced by triggers on the two
//     parents that delete the rows of deleted accounts and statuses, as
//     ON DELETE CASCADE did. A foreign key costs a lookup and a row lock
//     on accounts and on statuses for every row inserted (half the
//     fan-out's time there); a trigger on the parents costs nothing until
//     a parent row is deleted, which Rounds itself never does (it marks
//     statuses deleted and suspends accounts). Every writer of home_feed
//     takes its IDs from those tables in the same statement. SQLite keeps
//     its foreign keys: its checks are cheap, and dropping one means
//     rebuilding the table.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		stmts := []string{`DROP INDEX home_feed_account_author`}
		if db.Dialect().Name() == dialect.PG {
			stmts = append(stmts,
				`ALTER TABLE home_feed DROP CONSTRAINT home_feed_account_id_fkey`,
				`ALTER TABLE home_feed DROP CONSTRAINT home_feed_status_id_fkey`,
				`CREATE FUNCTION home_feed_forget_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
					DELETE FROM home_feed WHERE account_id IN (SELECT id FROM gone);
					RETURN NULL;
				END
				$$`,
				`CREATE TRIGGER home_feed_forget_accounts AFTER DELETE ON accounts
					REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION home_feed_forget_accounts()`,
				`CREATE FUNCTION home_feed_forget_statuses() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
					DELETE FROM home_feed WHERE status_id IN (SELECT id FROM gone);
					RETURN NULL;
				END
				$$`,
				`CREATE TRIGGER home_feed_forget_statuses AFTER DELETE ON statuses
					REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION home_feed_forget_statuses()`,
			)
		}
		return execAll(ctx, db, stmts...)
	}, func(ctx context.Context, db *bun.DB) error {
		var stmts []string
		if db.Dialect().Name() == dialect.PG {
			stmts = append(stmts,
				`DROP TRIGGER home_feed_forget_statuses ON statuses`,
				`DROP FUNCTION home_feed_forget_statuses()`,
				`DROP TRIGGER home_feed_forget_accounts ON accounts`,
				`DROP FUNCTION home_feed_forget_accounts()`,
				// Rows a concurrent deletion may have left behind would
				// fail the constraints.
				`DELETE FROM home_feed WHERE account_id NOT IN (SELECT id FROM accounts)
					OR status_id NOT IN (SELECT id FROM statuses)`,
				`ALTER TABLE home_feed ADD CONSTRAINT home_feed_account_id_fkey
					FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE`,
				`ALTER TABLE home_feed ADD CONSTRAINT home_feed_status_id_fkey
					FOREIGN KEY (status_id) REFERENCES statuses (id) ON DELETE CASCADE`,
			)
		}
		stmts = append(stmts, `CREATE INDEX home_feed_account_author ON home_feed (account_id, author_id)`)
		return execAll(ctx, db, stmts...)
	})
}
