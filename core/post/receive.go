package post

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
)

// Received is a status another server sent, as federation decoded it:
// Status has the author, URI, URL, sanitised HTML content, content warning,
// visibility, language and time filled in; InReplyTo is the parent when it
// is known here.
type Received struct {
	Status    *storage.Status
	Mentions  []*storage.Account
	Tags      []string
	InReplyTo *storage.Status
}

// Receive stores a status from another server by its remote author under
// the same rules as a local one (Insert): mentions, notifications of the
// mentioned local accounts, hashtags, the reply thread, and home-feed
// fan-out to the author's local followers. A status whose URI is already
// stored (a replay, or one deleted since) is ErrConflict.
func (s *Service) Receive(ctx context.Context, author *storage.Account, r Received) error {
	st := r.Status
	if author.Local() {
		return fmt.Errorf("post: receive: %w", core.Errorf(core.ErrForbidden, "a local author's status cannot arrive from another server"))
	}
	if _, ok := visibility.Parse(st.Visibility); !ok {
		return fmt.Errorf("post: receive: %w", core.Invalid("visibility", "is not one Rounds knows"))
	}
	st.AccountID, st.Local = author.ID, false
	if st.ID == 0 {
		st.ID = s.store.NewID()
	}
	if st.CreatedAt.IsZero() || st.CreatedAt.After(time.Now()) {
		st.CreatedAt = time.Now().UTC()
	}
	if p := r.InReplyTo; p != nil {
		st.InReplyToID, st.InReplyToAccountID = &p.ID, &p.AccountID
		st.ConversationID = p.ConversationID
	}
	if err := s.Insert(ctx, author, st, r.Mentions, r.Tags); err != nil {
		if errors.Is(err, storage.ErrConflict) {
			return fmt.Errorf("post: receive: %w", core.Errorf(core.ErrConflict, "status already received"))
		}
		return fmt.Errorf("post: receive: %w", err)
	}
	s.log.InfoContext(ctx, "status received", "status_id", st.ID, "account_id", author.ID, "visibility", st.Visibility)
	return nil
}

// RemoveRemote deletes a status its remote author's server deleted. Only
// the author's statuses can be removed; anything else is ErrNotFound.
func (s *Service) RemoveRemote(ctx context.Context, author *storage.Account, id int64) error {
	st, err := s.store.StatusByID(ctx, id)
	if err != nil || st.AccountID != author.ID || author.Local() {
		return fmt.Errorf("post: remove: %w", core.Errorf(core.ErrNotFound, "Record not found"))
	}
	if err := s.store.DeleteStatus(ctx, id); err != nil {
		return fmt.Errorf("post: remove: %w", err)
	}
	s.log.InfoContext(ctx, "status removed by its server", "status_id", id, "account_id", author.ID)
	return nil
}

// EditRemote applies an edit a remote author's server sent to one of the
// author's statuses. Visibility, mentions and the thread do not change.
func (s *Service) EditRemote(ctx context.Context, author *storage.Account, id int64, e storage.StatusEdit) error {
	st, err := s.store.StatusByID(ctx, id)
	if err != nil || st.AccountID != author.ID || author.Local() {
		return fmt.Errorf("post: edit: %w", core.Errorf(core.ErrNotFound, "Record not found"))
	}
	if e.EditedAt.IsZero() || e.EditedAt.After(time.Now()) {
		e.EditedAt = time.Now().UTC()
	}
	if err := s.store.EditStatus(ctx, id, e); err != nil {
		return fmt.Errorf("post: edit: %w", err)
	}
	return nil
}
