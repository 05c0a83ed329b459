package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// A client that retries "schedule this post" with the same
// Idempotency-Key (a phone on a hospital's patchy Wi-Fi) must get the
// first scheduled status back, not a second one that would publish the
// same reminder twice. idempotency_keys cannot hold it: its status_id
// names a published status. So a scheduled status keeps its key's hash,
// unique per account while set (core/schedule clears a key older than
// the idempotency window before reusing it).
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`ALTER TABLE scheduled_statuses ADD COLUMN idempotency_key_hash TEXT`,
			`CREATE UNIQUE INDEX scheduled_statuses_idempotency ON scheduled_statuses (account_id, idempotency_key_hash)
				WHERE idempotency_key_hash IS NOT NULL`)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`DROP INDEX scheduled_statuses_idempotency`,
			`ALTER TABLE scheduled_statuses DROP COLUMN idempotency_key_hash`)
	})
}
