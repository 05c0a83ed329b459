package migrations

import (
	"context"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// Reply, favourite and boost counts become counters in status_stats, kept
// by triggers on statuses and favourites, so that a page of statuses reads
// one row per status instead of counting three indexes; with them, counts
// of each status's mentions, hashtags, attachments and polls, so that the
// page looks those up only for the statuses that have some
// (docs/performance.md, docs/decisions/20261129-status-counters.md). Triggers rather than code,
// as for follows: replies, boosts and favourites come and go through
// posting, federation, deletion, a remote account's removal and cascades.
//
// A row counts, for one status ID, the rows that point at it: undeleted
// public and unlisted replies, undeleted boosts, favourites, and the
// mention, tag, attachment and poll rows of that status. It has no
// foreign key on statuses: a remote reply may be stored before the status
// it answers, and its count must be there when that status arrives.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		stmts := []string{
			`CREATE TABLE status_stats (
				status_id BIGINT PRIMARY KEY,
				replies_count BIGINT NOT NULL DEFAULT 0,
				favourites_count BIGINT NOT NULL DEFAULT 0,
				reblogs_count BIGINT NOT NULL DEFAULT 0,
				mentions_count BIGINT NOT NULL DEFAULT 0,
				tags_count BIGINT NOT NULL DEFAULT 0,
				media_count BIGINT NOT NULL DEFAULT 0,
				polls_count BIGINT NOT NULL DEFAULT 0
			)`,
			statusStatsBackfill,
		}
		if db.Dialect().Name() == dialect.PG {
			stmts = append(stmts, statusStatsTriggersPG...)
			for _, c := range statusRowCounts {
				stmts = append(stmts, c.triggersPG()...)
			}
		} else {
			stmts = append(stmts, statusStatsTriggersSQLite...)
			for _, c := range statusRowCounts {
				stmts = append(stmts, c.triggersSQLite()...)
			}
		}
		return execAll(ctx, db, stmts...)
	}, func(ctx context.Context, db *bun.DB) error {
		var stmts []string
		if db.Dialect().Name() == dialect.PG {
			stmts = []string{
				`DROP TRIGGER statuses_stats ON statuses`, `DROP FUNCTION statuses_stats()`,
			}
			for _, c := range statusRowCounts {
				stmts = append(stmts, `DROP TRIGGER `+c.table+`_stats ON `+c.table, `DROP FUNCTION `+c.table+`_stats()`)
			}
		} else {
			stmts = []string{
				`DROP TRIGGER statuses_stats_insert`, `DROP TRIGGER statuses_stats_delete`, `DROP TRIGGER statuses_stats_update`,
			}
			for _, c := range statusRowCounts {
				stmts = append(stmts, `DROP TRIGGER `+c.table+`_stats_insert`, `DROP TRIGGER `+c.table+`_stats_delete`,
					`DROP TRIGGER `+c.table+`_stats_update`)
			}
		}
		return execAll(ctx, db, append(stmts, `DROP TABLE status_stats`)...)
	})
}

// statusStatsBackfill counts what there is.
const statusStatsBackfill = `INSERT INTO status_stats (status_id, replies_count, favourites_count, reblogs_count,
		mentions_count, tags_count, media_count, polls_count)
	SELECT id, sum(r), sum(f), sum(b), sum(m), sum(t), sum(a), sum(p) FROM (
		SELECT in_reply_to_id AS id, 1 AS r, 0 AS f, 0 AS b, 0 AS m, 0 AS t, 0 AS a, 0 AS p FROM statuses
			WHERE in_reply_to_id IS NOT NULL AND deleted_at IS NULL AND visibility IN ('public', 'unlisted')
		UNION ALL SELECT status_id, 0, 1, 0, 0, 0, 0, 0 FROM favourites
		UNION ALL SELECT reblog_of_id, 0, 0, 1, 0, 0, 0, 0 FROM statuses WHERE reblog_of_id IS NOT NULL AND deleted_at IS NULL
		UNION ALL SELECT status_id, 0, 0, 0, 1, 0, 0, 0 FROM status_mentions
		UNION ALL SELECT status_id, 0, 0, 0, 0, 1, 0, 0 FROM status_tags
		UNION ALL SELECT status_id, 0, 0, 0, 0, 0, 1, 0 FROM media_attachments WHERE status_id IS NOT NULL
		UNION ALL SELECT status_id, 0, 0, 0, 0, 0, 0, 1 FROM polls
	) AS c GROUP BY id`

// statusRowCounts are the counts of rows that name a status in their
// status_id column: one trigger set per table.
var statusRowCounts = []rowCount{
	{"favourites", "favourites_count"},
	{"status_mentions", "mentions_count"},
	{"status_tags", "tags_count"},
	{"media_attachments", "media_count"},
	{"polls", "polls_count"},
}

// rowCount counts the rows of table in status_stats's column, by their
// status_id (an attachment not yet attached has none and is not counted).
type rowCount struct{ table, column string }

func (c rowCount) add(r string) string {
	return addCount(r+".status_id", c.column, r+".status_id IS NOT NULL")
}

func (c rowCount) sub(r string) string {
	return subCount(r+".status_id", c.column, r+".status_id IS NOT NULL")
}

func (c rowCount) triggersSQLite() []string {
	return []string{
		`CREATE TRIGGER ` + c.table + `_stats_insert AFTER INSERT ON ` + c.table + ` BEGIN ` + c.add("NEW") + `; END`,
		`CREATE TRIGGER ` + c.table + `_stats_delete AFTER DELETE ON ` + c.table + ` BEGIN ` + c.sub("OLD") + `; END`,
		`CREATE TRIGGER ` + c.table + `_stats_update AFTER UPDATE OF status_id ON ` + c.table + ` BEGIN
			` + c.sub("OLD") + `;
			` + c.add("NEW") + `;
		END`,
	}
}

func (c rowCount) triggersPG() []string {
	return []string{
		`CREATE FUNCTION ` + c.table + `_stats() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF TG_OP IN ('DELETE', 'UPDATE') THEN
				` + c.sub("OLD") + `;
			END IF;
			IF TG_OP IN ('INSERT', 'UPDATE') THEN
				` + c.add("NEW") + `;
			END IF;
			RETURN NULL;
		END
		$$`,
		`CREATE TRIGGER ` + c.table + `_stats AFTER INSERT OR DELETE OR UPDATE OF status_id
			ON ` + c.table + ` FOR EACH ROW EXECUTE FUNCTION ` + c.table + `_stats()`,
	}
}

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

func addReply(r string) string { return addCount(r+".in_reply_to_id", "replies_count", replyCond(r)) }
func subReply(r string) string { return subCount(r+".in_reply_to_id", "replies_count", replyCond(r)) }
func addBoost(r string) string { return addCount(r+".reblog_of_id", "reblogs_count", boostCond(r)) }
func subBoost(r string) string { return subCount(r+".reblog_of_id", "reblogs_count", boostCond(r)) }
