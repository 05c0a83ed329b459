package media

import (
	"context"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/storage"
)

// ForEdit returns the attachments named by ids, in that order, that an
// edit of the author's status statusID keeps or adds: at most
// MaxPerStatus, each the author's own, processed, and unattached or
// attached to that status already. edits, keyed by attachment ID, change
// the description or focal point of listed attachments (in the returned
// values: storage.Store.SetStatusMedia writes them); an edit of an
// attachment not listed is ErrInvalid.
func (s *Service) ForEdit(ctx context.Context, accountID, statusID int64, ids []int64, edits map[int64]Edit) ([]storage.MediaAttachment, error) {
	ms, err := s.attachable(ctx, accountID, statusID, ids)
	if err != nil {
		return nil, err
	}
	applied := 0
	for i := range ms {
		e, ok := edits[ms[i].ID]
		if !ok {
			continue
		}
		applied++
		if e.Description != nil {
			if ms[i].Description, err = s.description(e.Description); err != nil {
				return nil, err
			}
		}
		if e.Focus != nil {
			if ms[i].FocusX, ms[i].FocusY, err = parseFocus(*e.Focus); err != nil {
				return nil, err
			}
		}
	}
	if applied != len(edits) {
		return nil, core.Invalid("media_attributes", "may only describe attachments listed in media_ids")
	}
	return ms, nil
}

// RemoveFiles deletes the files of attachments whose rows are gone (an
// edit took them off their status). Call it after the transaction that
// deleted the rows has committed.
func (s *Service) RemoveFiles(ctx context.Context, ms []storage.MediaAttachment) {
	for i := range ms {
		s.removeFiles(ctx, &ms[i])
	}
}
