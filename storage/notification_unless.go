package storage

import (
	"context"
	"fmt"
	"time"
)

// InsertNotificationUnlessMuted stores n, filling in its ID and time,
// unless its recipient blocks its sender, mutes the sender's
// notifications (a mute with hide_notifications in force at now), or,
// for a notification about a status, muted that status's conversation.
// It reports whether it stored n. The checks and the insert are one
// statement: a notification is written inside the transaction of what
// caused it, where each round trip holds the transaction (and, on
// SQLite, the write lock) open longer.
func (s *Store) InsertNotificationUnlessMuted(ctx context.Context, n *Notification, now time.Time) (bool, error) {
	n.ID, n.CreatedAt = s.NewID(), time.Now().UTC()
	// A prepared text (execFixed) in two variants: with and without the
	// conversation-mute check. PostgreSQL types the bare parameters of a
	// SELECT list as text, hence the casts; SQLite would turn a CAST to
	// TIMESTAMPTZ into a number, so the time stays bare there.
	createdAt := "?6"
	if s.dialect == Postgres {
		createdAt = "CAST(?6 AS TIMESTAMPTZ)"
	}
	q := `INSERT INTO notifications (id, account_id, from_account_id, type, status_id, report_id, created_at)
		SELECT CAST(?0 AS BIGINT), CAST(?1 AS BIGINT), CAST(?2 AS BIGINT), CAST(?3 AS TEXT), CAST(?4 AS BIGINT),
			CAST(?5 AS BIGINT), ` + createdAt + `
		WHERE NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = CAST(?1 AS BIGINT) AND b.target_account_id = CAST(?2 AS BIGINT))
		AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = CAST(?1 AS BIGINT) AND m.target_account_id = CAST(?2 AS BIGINT)
			AND m.hide_notifications AND (m.expires_at IS NULL OR m.expires_at > ?7))`
	args := []any{n.ID, n.AccountID, n.FromAccountID, n.Type, n.StatusID, n.ReportID, n.CreatedAt, now.UTC()}
	if n.StatusID != nil {
		q += ` AND NOT EXISTS (SELECT 1 FROM conversation_mutes cm JOIN statuses st ON st.conversation_id = cm.conversation_id
			WHERE cm.account_id = CAST(?1 AS BIGINT) AND st.id = CAST(?4 AS BIGINT))`
	}
	res, err := s.execFixed(ctx, q, args...)
	if err != nil {
		return false, fmt.Errorf("storage: insert notification: %w", classify(err))
	}
	k, _ := res.RowsAffected()
	return k > 0, nil
}
