package storage

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// StatusVersion is one version of an edited status: the first is the status
// as it was posted, each later one the status after an edit. MediaIDs
// lists the version's attachments in order, comma-separated.
type StatusVersion struct {
	bun.BaseModel `bun:"table:status_edits"`

	ID          int64     `bun:"id,pk"`
	StatusID    int64     `bun:"status_id,notnull"`
	AccountID   int64     `bun:"account_id,notnull"`
	Text        string    `bun:"text,notnull"`
	Content     string    `bun:"content,notnull"`
	SpoilerText string    `bun:"spoiler_text,notnull"`
	Sensitive   bool      `bun:"sensitive,notnull"`
	Language    *string   `bun:"language"`
	MediaIDs    string    `bun:"media_ids,notnull"`
	CreatedAt   time.Time `bun:"created_at,notnull"`
}

// JoinIDs writes IDs as StatusVersion.MediaIDs holds them.
func JoinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

// SplitIDs reads StatusVersion.MediaIDs.
func SplitIDs(s string) []int64 {
	var out []int64
	for _, p := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// InsertStatusVersion stores a version of a status, filling in its ID.
func (s *Store) InsertStatusVersion(ctx context.Context, e *StatusVersion) error {
	e.ID = s.NewID()
	if e.CreatedAt.IsZero() {
		e.CreatedAt = time.Now().UTC()
	}
	if _, err := s.idb.NewInsert().Model(e).Exec(ctx); err != nil {
		return fmt.Errorf("storage: insert status version: %w", classify(err))
	}
	return nil
}

// StatusVersions returns the versions of a status, oldest first; none for a
// status never edited.
func (s *Store) StatusVersions(ctx context.Context, statusID int64) ([]StatusVersion, error) {
	var out []StatusVersion
	if err := s.idb.NewSelect().Model(&out).Where("status_id = ?", statusID).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: status versions: %w", classify(err))
	}
	return out, nil
}

// UpdateStatusText writes an edited status's text, content, content
// warning, sensitivity, language and edit time, and replaces its
// mentions and hashtags. ErrNotFound when the status is gone.
func (s *Store) UpdateStatusText(ctx context.Context, st *Status, mentionIDs []int64, tags []string) error {
	st.UpdatedAt = time.Now().UTC()
	res, err := s.idb.NewUpdate().Model(st).
		Column("text", "content", "spoiler_text", "sensitive", "language", "edited_at", "updated_at").
		Where("id = ?", st.ID).Where("deleted_at IS NULL").Exec(ctx)
	if err := checkUpdated(res, err, "update status"); err != nil {
		return err
	}
	for _, q := range []string{`DELETE FROM status_mentions WHERE status_id = ?`, `DELETE FROM status_tags WHERE status_id = ?`} {
		if _, err := s.idb.NewRaw(q, st.ID).Exec(ctx); err != nil {
			return fmt.Errorf("storage: update status: %w", classify(err))
		}
	}
	return s.linkStatus(ctx, st.ID, mentionIDs, tags)
}

// SetStatusMedia makes ms, in that order, the attachments of accountID's
// status statusID, with their descriptions and focal points as given.
// Each must belong to accountID, be processed, and be unattached or
// attached to this status already (ErrNotFound otherwise). The status's
// other attachments are deleted and returned, so that the caller can
// remove their files once the transaction commits.
func (s *Store) SetStatusMedia(ctx context.Context, accountID, statusID int64, ms []MediaAttachment) ([]MediaAttachment, error) {
	var removed []MediaAttachment
	err := s.InTx(ctx, func(ctx context.Context, tx *Store) error {
		now := time.Now().UTC()
		keep := make([]int64, len(ms))
		for i, m := range ms {
			keep[i] = m.ID
			res, err := tx.idb.NewUpdate().Model((*MediaAttachment)(nil)).
				Set("status_id = ?", statusID).Set("position = ?", i).
				Set("description = ?", m.Description).Set("focus_x = ?", m.FocusX).Set("focus_y = ?", m.FocusY).
				Set("updated_at = ?", now).
				Where("id = ?", m.ID).Where("account_id = ?", accountID).Where("state = ?", MediaReady).
				Where("(status_id IS NULL OR status_id = ?)", statusID).Exec(ctx)
			if err := checkUpdated(res, err, "set status media"); err != nil {
				return fmt.Errorf("%w (media %d)", err, m.ID)
			}
		}
		q := tx.idb.NewSelect().Model(&removed).Where("status_id = ?", statusID)
		if len(keep) > 0 {
			q = q.Where("id NOT IN (?)", bun.In(keep))
		}
		if err := q.Scan(ctx); err != nil {
			return fmt.Errorf("storage: set status media: %w", classify(err))
		}
		for _, m := range removed {
			if _, err := tx.idb.NewDelete().Model((*MediaAttachment)(nil)).Where("id = ?", m.ID).Exec(ctx); err != nil {
				return fmt.Errorf("storage: set status media: %w", classify(err))
			}
		}
		return nil
	})
	return removed, err
}

// DetachMediaForStatus makes the attachments of a status (which is being
// deleted for a redraft) unattached again, so that its author can attach
// them to the new status.
func (s *Store) DetachMediaForStatus(ctx context.Context, statusID int64) error {
	_, err := s.idb.NewUpdate().Model((*MediaAttachment)(nil)).
		Set("status_id = NULL").Set("position = 0").Set("updated_at = ?", time.Now().UTC()).
		Where("status_id = ?", statusID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("storage: detach media of status %d: %w", statusID, classify(err))
	}
	return nil
}
