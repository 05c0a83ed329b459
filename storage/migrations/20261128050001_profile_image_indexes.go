package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// The unattached-media clean-up (core/media) asks, for each upload it
// would delete, whether an account shows it as its avatar or header; and
// deleting any attachment makes the database find the profiles that name
// it (ON DELETE SET NULL). Both are index lookups with these.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`CREATE INDEX account_profiles_avatar_media_id ON account_profiles (avatar_media_id)`,
			`CREATE INDEX account_profiles_header_media_id ON account_profiles (header_media_id)`,
		)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, `DROP INDEX account_profiles_header_media_id`, `DROP INDEX account_profiles_avatar_media_id`)
	})
}
