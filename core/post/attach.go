package post

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/storage"
)

// WithMedia lets s attach uploads to statuses and remove the files of
// attachments that statuses lose. Call it once while wiring, before s is
// used; without it, a status naming media_ids is ErrInvalid.
func (s *Service) WithMedia(m *media.Service) *Service {
	s.media = m
	return s
}

// checkText applies the text rules of new and edited statuses: valid
// UTF-8, within MaxChars with the content warning, and not blank unless
// the status carries media.
func checkText(text, spoiler string, hasMedia bool) error {
	if text == "" && !hasMedia {
		return core.Invalid("Text", "can't be blank")
	}
	if !utf8.ValidString(text) || !utf8.ValidString(spoiler) {
		return core.Invalid("Text", "is not valid UTF-8")
	}
	if CountChars(text)+utf8.RuneCountInString(spoiler) > MaxChars {
		return core.Invalid("Text", fmt.Sprintf("character limit of %d exceeded", MaxChars))
	}
	return nil
}

// parseMediaIDs reads media_ids; an ID that is not a number names nothing
// the author could attach.
func parseMediaIDs(raw []string) ([]int64, error) {
	ids := make([]int64, 0, len(raw))
	for _, r := range raw {
		id, err := strconv.ParseInt(r, 10, 64)
		if err != nil || id <= 0 {
			return nil, core.Invalid("media_ids", "must name your own uploads that are not attached to a status")
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// attachments checks the uploads a new status names (media.ForStatus).
func (s *Service) attachments(ctx context.Context, author *storage.Account, raw []string) ([]storage.MediaAttachment, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	if s.media == nil {
		return nil, core.Invalid("media_ids", "are not supported on this server")
	}
	ids, err := parseMediaIDs(raw)
	if err != nil {
		return nil, err
	}
	return s.media.ForStatus(ctx, author.ID, ids)
}

// attach attaches checked uploads to a status being created, in its
// transaction; uploads taken or changed meanwhile roll the status back.
func attach(ctx context.Context, tx *storage.Store, author *storage.Account, st *storage.Status, ms []storage.MediaAttachment) error {
	if len(ms) == 0 {
		return nil
	}
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	err := tx.AttachMedia(ctx, author.ID, st.ID, ids)
	if errors.Is(err, storage.ErrNotFound) {
		return core.Invalid("media_ids", "must name your own processed uploads that are not attached to a status")
	}
	return err
}

// detachOrDelete deals with the attachments of a status being deleted,
// in its transaction: deleted rows (returned, for removeFiles once the
// transaction commits) with deleteMedia, unattached uploads again without.
func detachOrDelete(ctx context.Context, tx *storage.Store, statusID int64, deleteMedia bool) ([]storage.MediaAttachment, error) {
	if deleteMedia {
		return tx.DeleteMediaForStatus(ctx, statusID)
	}
	return nil, tx.DetachMediaForStatus(ctx, statusID)
}

// removeFiles deletes the files of attachments whose rows are gone.
func (s *Service) removeFiles(ctx context.Context, ms []storage.MediaAttachment) {
	if len(ms) > 0 && s.media != nil {
		s.media.RemoveFiles(ctx, ms)
	}
}
