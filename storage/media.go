package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Media attachment states.
const (
	MediaProcessing = "processing"
	MediaReady      = "ready"
	MediaFailed     = "failed"
)

// MediaImage is the only media type Rounds accepts so far.
const MediaImage = "image"

// MediaAttachment is an uploaded file and, once processed, its re-encoded
// original and small preview. FileKey is a random name the files are stored
// under; nothing a client sent is ever part of a file name.
type MediaAttachment struct {
	bun.BaseModel `bun:"table:media_attachments"`

	ID               int64      `bun:"id,pk"`
	AccountID        int64      `bun:"account_id,notnull"`
	StatusID         *int64     `bun:"status_id"`
	Position         int        `bun:"position,notnull"`
	Type             string     `bun:"type,notnull"`
	State            string     `bun:"state,notnull"`
	FileKey          string     `bun:"file_key,notnull"`
	HasThumbnail     bool       `bun:"has_thumbnail,notnull"`
	ContentType      *string    `bun:"content_type"`
	Width            int        `bun:"width,notnull"`
	Height           int        `bun:"height,notnull"`
	FileSize         int64      `bun:"file_size,notnull"`
	SmallContentType *string    `bun:"small_content_type"`
	SmallWidth       int        `bun:"small_width,notnull"`
	SmallHeight      int        `bun:"small_height,notnull"`
	Description      *string    `bun:"description"`
	FocusX           float64    `bun:"focus_x,notnull"`
	FocusY           float64    `bun:"focus_y,notnull"`
	Blurhash         *string    `bun:"blurhash"`
	RemoteURL        *string    `bun:"remote_url"`
	ProcessedAt      *time.Time `bun:"processed_at"`
	CreatedAt        time.Time  `bun:"created_at,notnull"`
	UpdatedAt        time.Time  `bun:"updated_at,notnull"`
}

// Ready reports whether the attachment's files have been processed.
func (m *MediaAttachment) Ready() bool { return m.State == MediaReady }

// CreateMedia stores a new attachment, filling in its ID (unless set) and
// timestamps.
func (s *Store) CreateMedia(ctx context.Context, m *MediaAttachment) error {
	now := time.Now().UTC()
	if m.ID == 0 {
		m.ID = s.NewID()
	}
	m.CreatedAt, m.UpdatedAt = now, now
	if _, err := s.idb.NewInsert().Model(m).Exec(ctx); err != nil {
		return fmt.Errorf("storage: create media: %w", classify(err))
	}
	return nil
}

// MediaByID returns the attachment with that ID.
func (s *Store) MediaByID(ctx context.Context, id int64) (*MediaAttachment, error) {
	m := new(MediaAttachment)
	if err := s.idb.NewSelect().Model(m).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: media %d: %w", id, classify(err))
	}
	return m, nil
}

// MediaByIDs returns the attachments with those IDs that exist, in no
// particular order.
func (s *Store) MediaByIDs(ctx context.Context, ids []int64) ([]MediaAttachment, error) {
	var out []MediaAttachment
	if len(ids) == 0 {
		return out, nil
	}
	if err := s.idb.NewSelect().Model(&out).Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: media by ids: %w", classify(err))
	}
	return out, nil
}

// SetMediaProcessed records the result of processing an attachment that
// is still processing: its files' types and sizes and its blurhash.
// ErrNotFound when it is gone or no longer processing.
func (s *Store) SetMediaProcessed(ctx context.Context, m *MediaAttachment) error {
	now := time.Now().UTC()
	m.State, m.ProcessedAt, m.UpdatedAt = MediaReady, &now, now
	res, err := s.idb.NewUpdate().Model(m).
		Column("state", "content_type", "width", "height", "file_size",
			"small_content_type", "small_width", "small_height", "blurhash", "processed_at", "updated_at").
		Where("id = ?", m.ID).Where("state = ?", MediaProcessing).Exec(ctx)
	return checkUpdated(res, err, "set media processed")
}

// SetMediaFailed marks an attachment that is still processing as failed.
func (s *Store) SetMediaFailed(ctx context.Context, id int64) error {
	res, err := s.idb.NewUpdate().Model((*MediaAttachment)(nil)).
		Set("state = ?", MediaFailed).Set("updated_at = ?", time.Now().UTC()).
		Where("id = ?", id).Where("state = ?", MediaProcessing).Exec(ctx)
	return checkUpdated(res, err, "set media failed")
}

// UpdateMediaDescription sets an attachment's description and focal point.
func (s *Store) UpdateMediaDescription(ctx context.Context, id int64, description *string, focusX, focusY float64) error {
	res, err := s.idb.NewUpdate().Model((*MediaAttachment)(nil)).
		Set("description = ?", description).Set("focus_x = ?", focusX).Set("focus_y = ?", focusY).
		Set("updated_at = ?", time.Now().UTC()).
		Where("id = ?", id).Exec(ctx)
	return checkUpdated(res, err, "update media")
}

// DeleteUnattachedMedia deletes the attachment if it belongs to accountID
// and is not attached to a status; ErrNotFound otherwise.
func (s *Store) DeleteUnattachedMedia(ctx context.Context, accountID, id int64) error {
	res, err := s.idb.NewDelete().Model((*MediaAttachment)(nil)).
		Where("id = ?", id).Where("account_id = ?", accountID).Where("status_id IS NULL").Exec(ctx)
	return checkUpdated(res, err, "delete media")
}

// AttachMedia attaches the listed attachments, in that order, to a status
// of accountID. Each must belong to accountID, be processed and be
// unattached; otherwise nothing is attached and the error is ErrNotFound
// (call it inside the transaction that creates the status, which then
// rolls back).
func (s *Store) AttachMedia(ctx context.Context, accountID, statusID int64, ids []int64) error {
	return s.InTx(ctx, func(ctx context.Context, tx *Store) error {
		now := time.Now().UTC()
		for i, id := range ids {
			res, err := tx.idb.NewUpdate().Model((*MediaAttachment)(nil)).
				Set("status_id = ?", statusID).Set("position = ?", i).Set("updated_at = ?", now).
				Where("id = ?", id).Where("account_id = ?", accountID).
				Where("status_id IS NULL").Where("state = ?", MediaReady).Exec(ctx)
			if err := checkUpdated(res, err, "attach media"); err != nil {
				return fmt.Errorf("%w (media %d)", err, id)
			}
		}
		return nil
	})
}

// MediaForStatuses returns the attachments of each status, keyed by status
// ID, in the order they were attached.
func (s *Store) MediaForStatuses(ctx context.Context, statusIDs []int64) (map[int64][]MediaAttachment, error) {
	out := map[int64][]MediaAttachment{}
	if len(statusIDs) == 0 {
		return out, nil
	}
	var rows []MediaAttachment
	err := s.idb.NewSelect().Model(&rows).Where("status_id IN (?)", bun.In(statusIDs)).
		Order("status_id", "position", "id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: media for statuses: %w", classify(err))
	}
	for _, m := range rows {
		out[*m.StatusID] = append(out[*m.StatusID], m)
	}
	return out, nil
}

// DeleteMediaForStatus deletes the attachments of a status (which is being
// deleted) and returns them, so that the caller can remove their files
// once the transaction commits.
func (s *Store) DeleteMediaForStatus(ctx context.Context, statusID int64) ([]MediaAttachment, error) {
	var rows []MediaAttachment
	err := s.InTx(ctx, func(ctx context.Context, tx *Store) error {
		if err := tx.idb.NewSelect().Model(&rows).Where("status_id = ?", statusID).Scan(ctx); err != nil {
			return fmt.Errorf("storage: media of status %d: %w", statusID, classify(err))
		}
		if _, err := tx.idb.NewDelete().Model((*MediaAttachment)(nil)).Where("status_id = ?", statusID).Exec(ctx); err != nil {
			return fmt.Errorf("storage: delete media of status %d: %w", statusID, classify(err))
		}
		return nil
	})
	return rows, err
}
