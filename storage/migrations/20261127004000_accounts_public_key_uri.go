package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// Signature verification looks remote actors up by the id of the key that
// signed a request.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, `CREATE INDEX accounts_public_key_uri ON accounts (public_key_uri)`)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, `DROP INDEX accounts_public_key_uri`)
	})
}
