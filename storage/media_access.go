package storage

import (
	"context"
	"fmt"
)

// MediaFilePublic reports whether the files stored under fileKey are
// public: those of an attachment of an undeleted public or unlisted
// status, or of an account's avatar or header. Anything else (private
// and direct statuses, unattached uploads, deleted statuses, unknown
// keys) is not.
func (s *Store) MediaFilePublic(ctx context.Context, fileKey string) (bool, error) {
	n, err := s.idb.NewSelect().TableExpr("media_attachments AS m").
		Where("m.file_key = ?", fileKey).
		Where(`(m.status_id IN (SELECT id FROM statuses WHERE deleted_at IS NULL AND visibility IN ('public', 'unlisted'))
			OR m.id IN (SELECT avatar_media_id FROM account_profiles WHERE avatar_media_id IS NOT NULL)
			OR m.id IN (SELECT header_media_id FROM account_profiles WHERE header_media_id IS NOT NULL))`).
		Count(ctx)
	if err != nil {
		return false, fmt.Errorf("storage: media file public: %w", classify(err))
	}
	return n > 0, nil
}
