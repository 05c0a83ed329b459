package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// The ActivityPub ids of what remote actors did are kept where they can
// be found again: an Undo that names only the id of an earlier Follow,
// Block, Like or Announce is resolved against them. Favourites gain the
// Like's id; follows, follow requests, blocks and favourites get an index
// on it (a boost's Announce id is its status's uri, indexed already).
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`ALTER TABLE favourites ADD COLUMN uri TEXT`,
			`CREATE INDEX favourites_uri ON favourites (uri) WHERE uri IS NOT NULL`,
			`CREATE INDEX follows_uri ON follows (uri) WHERE uri IS NOT NULL`,
			`CREATE INDEX follow_requests_uri ON follow_requests (uri) WHERE uri IS NOT NULL`,
			`CREATE INDEX blocks_uri ON blocks (uri) WHERE uri IS NOT NULL`,
		)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`DROP INDEX blocks_uri`, `DROP INDEX follow_requests_uri`, `DROP INDEX follows_uri`,
			`DROP INDEX favourites_uri`, `ALTER TABLE favourites DROP COLUMN uri`)
	})
}
