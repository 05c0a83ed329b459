package migrations

import (
	"context"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// Reply, favourite and boost counts become counters in status_stats, kept
// by triggers on statuses and favourites, so that a page of statuses reads
// one row per status instead of counting three indexes (docs/performance.md,
// docs/decisions/20261129-status-counters.md). Triggers rather than code,
// as for follows: replies, boosts and favourites come and go through
// posting, federation, deletion, a remote account's removal and cascades.
//
// A row counts, for one status ID, the rows that point at it: undeleted
// public and unlisted replies, undeleted boosts, favourites. It has no
// foreign key on statuses: a remote reply may be stored before the status
// it answers, and its count must be there when that status arrives.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		stmts := []string{
			`CREATE TABLE status_stats (
				status_id BIGINT PRIMARY KEY,
				replies_count BIGINT NOT NULL DEFAULT 0,
				favourites_count BIGINT NOT NULL DEFAULT 0,
				reblogs_count BIGINT NOT NULL DEFAULT 0
			)`,
			statusStatsBackfill,
		}
		if db.Dialect().Name() == dialect.PG {
			stmts = append(stmts, statusStatsTriggersPG...)
		} else {
			stmts = append(stmts, statusStatsTriggersSQLite...)
		}
		return execAll(ctx, db, stmts...)
	}, func(ctx context.Context, db *bun.DB) error {
		var stmts []string
		if db.Dialect().Name() == dialect.PG {
			stmts = []string{
				`DROP TRIGGER statuses_stats ON statuses`, `DROP FUNCTION statuses_stats()`,
				`DROP TRIGGER favourites_stats ON favourites`, `DROP FUNCTION favourites_stats()`,
			}
		} else {
			stmts = []string{
				`DROP TRIGGER statuses_stats_insert`, `DROP TRIGGER statuses_stats_delete`, `DROP TRIGGER statuses_stats_update`,
				`DROP TRIGGER favourites_stats_insert`, `DROP TRIGGER favourites_stats_delete`, `DROP TRIGGER favourites_stats_update`,
			}
		}
		return execAll(ctx, db, append(stmts, `DROP TABLE status_stats`)...)
	})
}

// statusStatsBackfill counts what there is.
const statusStatsBackfill = `INSERT INTO status_stats (status_id, replies_count, favourites_count, reblogs_count)
	SELECT id, sum(r), sum(f), sum(b) FROM (
		SELECT in_reply_to_id AS id, 1 AS r, 0 AS f, 0 AS b FROM statuses
			WHERE in_reply_to_id IS NOT NULL AND deleted_at IS NULL AND visibility IN ('public', 'unlisted')
		UNION ALL SELECT status_id, 0, 1, 0 FROM favourites
		UNION ALL SELECT reblog_of_id, 0, 0, 1 FROM statuses WHERE reblog_of_id IS NOT NULL AND deleted_at IS NULL
	) AS c GROUP BY id`

// statusStatsTriggersSQLite keep the counts on SQLite: each statement
// does nothing unless its row counts.
var statusStatsTriggersSQLite = []string{
	`CREATE TRIGGER statuses_stats_insert AFTER INSERT ON statuses BEGIN
		` + addReply("NEW") + `;
		` + addBoost("NEW") + `;
	END`,
	`CREATE TRIGGER statuses_stats_delete AFTER DELETE ON statuses BEGIN
		` + subReply("OLD") + `;
		` + subBoost("OLD") + `;
	END`,
	`CREATE TRIGGER statuses_stats_update AFTER UPDATE OF in_reply_to_id, reblog_of_id, deleted_at, visibility ON statuses BEGIN
		` + subReply("OLD") + `;
		` + subBoost("OLD") + `;
		` + addReply("NEW") + `;
		` + addBoost("NEW") + `;
	END`,
	`CREATE TRIGGER favourites_stats_insert AFTER INSERT ON favourites BEGIN
		` + addFavourite("NEW") + `;
	END`,
	`CREATE TRIGGER favourites_stats_delete AFTER DELETE ON favourites BEGIN
		` + subFavourite("OLD") + `;
	END`,
	`CREATE TRIGGER favourites_stats_update AFTER UPDATE OF status_id ON favourites BEGIN
		` + subFavourite("OLD") + `;
		` + addFavourite("NEW") + `;
	END`,
}

// statusStatsTriggersPG keep the counts on PostgreSQL, with the same
// statements as on SQLite.
var statusStatsTriggersPG = []string{
	`CREATE FUNCTION statuses_stats() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		IF TG_OP IN ('DELETE', 'UPDATE') THEN
			` + subReply("OLD") + `;
			` + subBoost("OLD") + `;
		END IF;
		IF TG_OP IN ('INSERT', 'UPDATE') THEN
			` + addReply("NEW") + `;
			` + addBoost("NEW") + `;
		END IF;
		RETURN NULL;
	END
	$$`,
	`CREATE TRIGGER statuses_stats AFTER INSERT OR DELETE OR UPDATE OF in_reply_to_id, reblog_of_id, deleted_at, visibility
		ON statuses FOR EACH ROW EXECUTE FUNCTION statuses_stats()`,
	`CREATE FUNCTION favourites_stats() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		IF TG_OP IN ('DELETE', 'UPDATE') THEN
			` + subFavourite("OLD") + `;
		END IF;
		IF TG_OP IN ('INSERT', 'UPDATE') THEN
			` + addFavourite("NEW") + `;
		END IF;
		RETURN NULL;
	END
	$$`,
	`CREATE TRIGGER favourites_stats AFTER INSERT OR DELETE OR UPDATE OF status_id
		ON favourites FOR EACH ROW EXECUTE FUNCTION favourites_stats()`,
}

// addCount and subCount add or take one from column of the status
// idExpr when cond holds. A decrement is a plain UPDATE: the row is
// there, since the increment made it.
func addCount(idExpr, column, cond string) string {
	return `INSERT INTO status_stats (status_id, ` + column + `) SELECT ` + idExpr + `, 1 WHERE ` + cond +
		` ON CONFLICT (status_id) DO UPDATE SET ` + column + ` = status_stats.` + column + ` + 1`
}

func subCount(idExpr, column, cond string) string {
	return `UPDATE status_stats SET ` + column + ` = ` + column + ` - 1 WHERE status_id = ` + idExpr + ` AND ` + cond
}

// A status row r (OLD or NEW) counts as a reply to in_reply_to_id when it
// is an undeleted public or unlisted status, and as a boost of
// reblog_of_id when it is undeleted.
func replyCond(r string) string {
	return r + `.in_reply_to_id IS NOT NULL AND ` + r + `.deleted_at IS NULL AND ` + r + `.visibility IN ('public', 'unlisted')`
}

func boostCond(r string) string {
	return r + `.reblog_of_id IS NOT NULL AND ` + r + `.deleted_at IS NULL`
}

func addReply(r string) string     { return addCount(r+".in_reply_to_id", "replies_count", replyCond(r)) }
func subReply(r string) string     { return subCount(r+".in_reply_to_id", "replies_count", replyCond(r)) }
func addBoost(r string) string     { return addCount(r+".reblog_of_id", "reblogs_count", boostCond(r)) }
func subBoost(r string) string     { return subCount(r+".reblog_of_id", "reblogs_count", boostCond(r)) }
func addFavourite(r string) string { return addCount(r+".status_id", "favourites_count", "true") }
func subFavourite(r string) string { return subCount(r+".status_id", "favourites_count", "true") }
