package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// Every post asks which of its author's followers are remote, and where
// their inboxes are (storage.Store.FollowerInboxes). Without this index
// each follower's whole accounts row was read to learn that it is local:
// for an author with 100 local followers, 100 rows on as many pages, in
// the post's write transaction; on SQLite that query was 70 % of a post's
// own statements (docs/performance.md, "Session 8: SQLite posting without
// the statement journal"). The index holds only the remote accounts that
// are not suspended, with every column the query reads (domain and
// suspended_at too: without them SQLite reads the row to check the
// conditions the index already implies), so a local follower costs one
// probe of a small index and a remote one no row read.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, `CREATE INDEX accounts_remote_inboxes ON accounts (id, inbox_uri, shared_inbox_uri, domain, suspended_at)
			WHERE domain <> '' AND suspended_at IS NULL`)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, `DROP INDEX accounts_remote_inboxes`)
	})
}
