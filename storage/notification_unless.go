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
	// PostgreSQL types the bare literals of a SELECT list as text; SQLite
	// would turn a CAST to TIMESTAMPTZ into a number.
	statusID, createdAt := "?", "?"
	if s.dialect == Postgres {
		statusID, createdAt = "CAST(? AS BIGINT)", "CAST(? AS TIMESTAMPTZ)"
	}
	q := `INSERT INTO notifications (id, account_id, from_account_id, type, status_id, report_id, created_at)
		SELECT ?, ?, ?, ?, ` + statusID + `, ` + statusID + `, ` + createdAt + `
		WHERE NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = ? AND b.target_account_id = ?)
		AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = ? AND m.target_account_id = ?
			AND m.hide_notifications AND (m.expires_at IS NULL OR m.expires_at > ?))`
	args := []any{n.ID, n.AccountID, n.FromAccountID, n.Type, n.StatusID, n.ReportID, n.CreatedAt,
		n.AccountID, n.FromAccountID, n.AccountID, n.FromAccountID, now.UTC()}
	if n.StatusID != nil {
		q += ` AND NOT EXISTS (SELECT 1 FROM conversation_mutes cm JOIN statuses st ON st.conversation_id = cm.conversation_id
			WHERE cm.account_id = ? AND st.id = ?)`
		args = append(args, n.AccountID, *n.StatusID)
	}
	res, err := s.idb.NewRaw(q, args...).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("storage: insert notification: %w", classify(err))
	}
	k, _ := res.RowsAffected()
	return k > 0, nil
}
