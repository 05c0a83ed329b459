package migrations

import (
	"context"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// Follower and following counts become counters in account_stats, kept by
// triggers on follows, so that rendering an account reads one row instead
// of counting its follows (which, at 100 follows per account, was a
// quarter of a home-timeline page's time; docs/performance.md). Triggers
// rather than code: every way a follow row comes or goes (follow,
// unfollow, block, a remote account's deletion, cascades) keeps the counts
// right without each remembering to. The triggers' bodies differ by
// dialect; what they do is the same.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		stmts := []string{
			`ALTER TABLE account_stats ADD COLUMN followers_count BIGINT NOT NULL DEFAULT 0`,
			`ALTER TABLE account_stats ADD COLUMN following_count BIGINT NOT NULL DEFAULT 0`,
		}
		stmts = append(stmts, followCountBackfill...)
		if db.Dialect().Name() == dialect.PG {
			stmts = append(stmts, followCountTriggersPG...)
		} else {
			stmts = append(stmts, followCountTriggersSQLite...)
		}
		return execAll(ctx, db, stmts...)
	}, func(ctx context.Context, db *bun.DB) error {
		var stmts []string
		if db.Dialect().Name() == dialect.PG {
			stmts = []string{
				`DROP TRIGGER follows_counters ON follows`,
				`DROP FUNCTION follows_counters()`,
			}
		} else {
			stmts = []string{
				`DROP TRIGGER follows_counters_insert`,
				`DROP TRIGGER follows_counters_delete`,
				`DROP TRIGGER follows_counters_update`,
			}
		}
		stmts = append(stmts,
			`ALTER TABLE account_stats DROP COLUMN following_count`,
			`ALTER TABLE account_stats DROP COLUMN followers_count`)
		return execAll(ctx, db, stmts...)
	})
}

// followCountBackfill gives every account with follows a stats row and
// sets both counts from the follows there are.
var followCountBackfill = []string{
	`INSERT INTO account_stats (account_id)
		SELECT id FROM accounts a
		WHERE NOT EXISTS (SELECT 1 FROM account_stats s WHERE s.account_id = a.id)
		  AND (EXISTS (SELECT 1 FROM follows f WHERE f.account_id = a.id)
		    OR EXISTS (SELECT 1 FROM follows f WHERE f.target_account_id = a.id))`,
	`UPDATE account_stats SET
		followers_count = (SELECT count(*) FROM follows f WHERE f.target_account_id = account_stats.account_id),
		following_count = (SELECT count(*) FROM follows f WHERE f.account_id = account_stats.account_id)`,
}

// followCountTriggersSQLite keep the counts on SQLite. A decrement is a
// plain UPDATE: when the account itself is being deleted its stats row
// may be gone already, and there is nothing left to count.
var followCountTriggersSQLite = []string{
	`CREATE TRIGGER follows_counters_insert AFTER INSERT ON follows BEGIN
		INSERT INTO account_stats (account_id, followers_count) VALUES (NEW.target_account_id, 1)
			ON CONFLICT (account_id) DO UPDATE SET followers_count = account_stats.followers_count + 1;
		INSERT INTO account_stats (account_id, following_count) VALUES (NEW.account_id, 1)
			ON CONFLICT (account_id) DO UPDATE SET following_count = account_stats.following_count + 1;
	END`,
	`CREATE TRIGGER follows_counters_delete AFTER DELETE ON follows BEGIN
		UPDATE account_stats SET followers_count = followers_count - 1 WHERE account_id = OLD.target_account_id;
		UPDATE account_stats SET following_count = following_count - 1 WHERE account_id = OLD.account_id;
	END`,
	`CREATE TRIGGER follows_counters_update AFTER UPDATE OF account_id, target_account_id ON follows BEGIN
		UPDATE account_stats SET followers_count = followers_count - 1 WHERE account_id = OLD.target_account_id;
		UPDATE account_stats SET following_count = following_count - 1 WHERE account_id = OLD.account_id;
		INSERT INTO account_stats (account_id, followers_count) VALUES (NEW.target_account_id, 1)
			ON CONFLICT (account_id) DO UPDATE SET followers_count = account_stats.followers_count + 1;
		INSERT INTO account_stats (account_id, following_count) VALUES (NEW.account_id, 1)
			ON CONFLICT (account_id) DO UPDATE SET following_count = account_stats.following_count + 1;
	END`,
}

// followCountTriggersPG keep the counts on PostgreSQL.
var followCountTriggersPG = []string{
	`CREATE FUNCTION follows_counters() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		IF TG_OP IN ('DELETE', 'UPDATE') THEN
			UPDATE account_stats SET followers_count = followers_count - 1 WHERE account_id = OLD.target_account_id;
			UPDATE account_stats SET following_count = following_count - 1 WHERE account_id = OLD.account_id;
		END IF;
		IF TG_OP IN ('INSERT', 'UPDATE') THEN
			INSERT INTO account_stats (account_id, followers_count) VALUES (NEW.target_account_id, 1)
				ON CONFLICT (account_id) DO UPDATE SET followers_count = account_stats.followers_count + 1;
			INSERT INTO account_stats (account_id, following_count) VALUES (NEW.account_id, 1)
				ON CONFLICT (account_id) DO UPDATE SET following_count = account_stats.following_count + 1;
		END IF;
		RETURN NULL;
	END
	$$`,
	`CREATE TRIGGER follows_counters AFTER INSERT OR DELETE OR UPDATE OF account_id, target_account_id ON follows
		FOR EACH ROW EXECUTE FUNCTION follows_counters()`,
}
