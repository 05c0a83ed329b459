package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// Conversations: for each local participant of a thread of direct
// statuses, its newest status and whether it is unread. Deleting a
// conversation removes the participant's row; a new direct status in the
// thread brings it back.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`CREATE TABLE account_conversations (
				id BIGINT PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				conversation_id BIGINT NOT NULL,
				last_status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
				unread BOOLEAN NOT NULL DEFAULT FALSE,
				updated_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE UNIQUE INDEX account_conversations_account_conversation ON account_conversations (account_id, conversation_id)`,
			`CREATE INDEX account_conversations_account_last_status ON account_conversations (account_id, last_status_id)`,
		)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, `DROP TABLE account_conversations`)
	})
}
