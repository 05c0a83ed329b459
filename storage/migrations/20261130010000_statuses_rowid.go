package migrations

import (
	"context"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// On SQLite, statuses is rebuilt with id as an INTEGER PRIMARY KEY, the
// rowid itself, instead of a BIGINT PRIMARY KEY, which SQLite keeps as a
// separate unique index beside the rowid: finding a status by id was two
// B-tree descents (the index, then the table), and every status written
// one more index insert. The home page reads 40 statuses by id and their
// facts (docs/performance.md, docs/decisions/20261130-statuses-rowid.md).
// IDs are 64-bit integers (storage/id.go) that Rounds always supplies, so
// the rowid holds them unchanged and every reference stays valid. Nothing
// changes on PostgreSQL, whose tables have no rowid.
func init() {
	const bigint, integer = "id BIGINT PRIMARY KEY", "id INTEGER PRIMARY KEY"
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		if db.Dialect().Name() != dialect.SQLite {
			return nil
		}
		return rebuildSQLite(ctx, db, "statuses", bigint, integer)
	}, func(ctx context.Context, db *bun.DB) error {
		if db.Dialect().Name() != dialect.SQLite {
			return nil
		}
		return rebuildSQLite(ctx, db, "statuses", integer, bigint)
	})
}
