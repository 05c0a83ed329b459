package storage

import (
	"context"
	"fmt"
	"time"
)

// staleMedia is the condition on media_attachments m that an attachment
// may be cleaned up: attached to no status, unchanged since the first
// argument, and kept by nothing else: not an account's avatar or header,
// and not named by a scheduled status of its owner. A scheduled status
// keeps its draft as JSON whose media_ids are quoted decimal strings
// (core/schedule), so any quoted occurrence of the ID keeps the upload; a
// false match only keeps an upload longer.
const staleMedia = `m.status_id IS NULL AND m.updated_at < ?
	AND NOT EXISTS (SELECT 1 FROM account_profiles p WHERE p.avatar_media_id = m.id)
	AND NOT EXISTS (SELECT 1 FROM account_profiles p WHERE p.header_media_id = m.id)
	AND NOT EXISTS (SELECT 1 FROM scheduled_statuses ss WHERE ss.account_id = m.account_id
		AND ss.params LIKE '%"' || CAST(m.id AS TEXT) || '"%')`

// DeleteStaleMedia deletes at most limit attachments that were never
// attached, or were detached, and have not changed since before, and that
// no avatar, header or scheduled status uses (staleMedia); it returns the
// rows it deleted, so that the caller can remove their files. The
// DELETE checks again, on the row it deletes, that it is unattached and
// unchanged, so an upload attached meanwhile is never among them.
func (s *Store) DeleteStaleMedia(ctx context.Context, before time.Time, limit int) ([]MediaAttachment, error) {
	var rows []MediaAttachment
	before = before.UTC()
	err := s.idb.NewRaw(`DELETE FROM media_attachments
		WHERE id IN (SELECT m.id FROM media_attachments m WHERE `+staleMedia+` ORDER BY m.id LIMIT ?)
		  AND status_id IS NULL AND updated_at < ?
		RETURNING *`, before, limit, before).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("storage: delete stale media: %w", classify(err))
	}
	return rows, nil
}
