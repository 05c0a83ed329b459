package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// Every status a local author posts reads the author's followers three
// times (the home-feed fan-out, the followers to notify, the remote
// inboxes to deliver to), and every status received from another server
// once. follows_target_id (target_account_id, id) finds them but leaves
// each follows row to be read for its account_id and notify; this index
// holds both, so the fan-out and the notification query read the index
// alone (docs/performance.md, "Posting").
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`CREATE INDEX follows_target_account ON follows (target_account_id, account_id, notify)`)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, `DROP INDEX follows_target_account`)
	})
}
