package post

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/notify"
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
	// Hooks run in the status's transaction once it is stored (a poll).
	Hooks []Hook
}

// Receive stores a status from another server by its remote author under
// the same rules as a local one (insert): mentions, notifications of the
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
	err := s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		if err := s.insert(ctx, tx, author, st, r.Mentions, r.Tags); err != nil {
			return err
		}
		for _, h := range r.Hooks {
			if err := h(ctx, tx, st); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
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

// ReceiveReblog stores a boost another server sent: the remote booster
// boosted the status with that ID (which the booster may see), in the
// Announce uri, with visibility vis at the time at. As Mastodon shows
// them, only public and unlisted boosts of public and unlisted statuses
// are kept; the boosted status's author is notified and the booster's
// local followers get the boost in their home feeds. A boost already
// stored is ErrConflict.
func (s *Service) ReceiveReblog(ctx context.Context, booster *storage.Account, id int64, uri, vis string, at time.Time) error {
	if booster.Local() {
		return fmt.Errorf("post: receive boost: %w", core.Errorf(core.ErrForbidden, "a local boost cannot arrive from another server"))
	}
	target, err := s.actionable(ctx, booster, id)
	if err != nil {
		return fmt.Errorf("post: receive boost: %w", err)
	}
	switch visibility.Visibility(vis) {
	case visibility.Public, visibility.Unlisted:
	default:
		return fmt.Errorf("post: receive boost: %w", core.Invalid("visibility", "only public and unlisted boosts are kept"))
	}
	switch visibility.Visibility(target.Visibility) {
	case visibility.Public, visibility.Unlisted:
	default:
		return fmt.Errorf("post: receive boost: %w", errNotBoostable)
	}
	if _, err := s.store.ReblogBy(ctx, booster.ID, target.ID); err == nil {
		return fmt.Errorf("post: receive boost: %w", core.Errorf(core.ErrConflict, "boost already received"))
	}
	if at.IsZero() || at.After(time.Now()) {
		at = time.Now().UTC()
	}
	boost := &storage.Status{
		ID: s.store.NewID(), AccountID: booster.ID, URI: &uri, ReblogOfID: &target.ID, Visibility: vis, CreatedAt: at,
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		if err := tx.InsertStatus(ctx, storage.NewStatus{Status: boost}); err != nil {
			return err
		}
		if err := tx.FanOutReblog(ctx, boost, target.AccountID); err != nil {
			return err
		}
		return notify.Create(ctx, tx, notify.Reblog, target.Account.Account, booster.ID, target.ID)
	})
	if errors.Is(err, storage.ErrConflict) {
		return fmt.Errorf("post: receive boost: %w", core.Errorf(core.ErrConflict, "boost already received"))
	}
	if err != nil {
		return fmt.Errorf("post: receive boost: %w", err)
	}
	s.log.InfoContext(ctx, "boost received", "status_id", boost.ID, "reblog_of_id", target.ID, "account_id", booster.ID)
	return nil
}
