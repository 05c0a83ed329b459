package post

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/core/notify"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/storage"
)

// Edit is a change to a status as a client submits it (PUT
// /api/v1/statuses/:id); nil fields stay as they are. Visibility and the
// thread never change.
type Edit struct {
	Text, SpoilerText *string
	Sensitive         *bool
	// Language is an ISO 639 code; nil or "" keeps the current one.
	Language *string
	// MediaIDs, when SetMedia, is the status's new list of attachments:
	// those kept, in their new order, and new uploads. Attachments left
	// out are deleted, files and all.
	MediaIDs []string
	SetMedia bool
	// MediaAttributes change the description or focal point of listed
	// attachments, keyed by attachment ID.
	MediaAttributes map[string]media.Edit
}

// Edit changes the text, content warning, sensitivity, language or
// attachments of one of author's statuses and returns it with its edit
// time set. The first edit also records the status as first posted, so
// that History starts with it. An edit that changes nothing records
// nothing. Newly mentioned local accounts get the status and a mention
// notification; local accounts that boosted it get an "update"
// notification, as in Mastodon.
func (s *Service) Edit(ctx context.Context, author *storage.Account, id int64, e Edit) (*timeline.Status, error) {
	cur, err := s.timelines.Get(ctx, author, id)
	if err != nil {
		return nil, err
	}
	if cur.AccountID != author.ID || cur.ReblogOfID != nil || !cur.Local {
		return nil, fmt.Errorf("post: edit: %w", core.Errorf(core.ErrNotFound, "Record not found"))
	}
	next := cur.Status
	if err := s.applyEdit(&next, e); err != nil {
		return nil, fmt.Errorf("post: edit: %w", err)
	}
	attachments, mediaChanged, err := s.editedMedia(ctx, author, cur, e)
	if err != nil {
		return nil, fmt.Errorf("post: edit: %w", err)
	}
	if err := checkText(next.Text, next.SpoilerText, len(attachments) > 0); err != nil {
		return nil, fmt.Errorf("post: edit: %w", err)
	}
	f := Format(next.Text, s.resolver(ctx), Linker{Profile: s.ProfileURL, Tag: s.TagURL})
	next.Content = f.HTML
	if !mediaChanged && next.Text == cur.Text && next.SpoilerText == cur.SpoilerText &&
		next.Sensitive == cur.Sensitive && deref(next.Language) == deref(cur.Language) {
		return cur, nil
	}
	now := time.Now().UTC()
	next.EditedAt = &now
	var removed []storage.MediaAttachment
	err = s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		if cur.EditedAt == nil {
			if err := tx.InsertStatusVersion(ctx, version(&cur.Status, cur.Media, cur.CreatedAt)); err != nil {
				return err
			}
		}
		mentionIDs := make([]int64, len(f.Mentions))
		for i, m := range f.Mentions {
			mentionIDs[i] = m.ID
		}
		if err := tx.UpdateStatusText(ctx, &next, mentionIDs, f.Tags); err != nil {
			return err
		}
		if mediaChanged {
			if removed, err = tx.SetStatusMedia(ctx, author.ID, id, attachments); err != nil {
				return err
			}
		}
		if err := tx.InsertStatusVersion(ctx, version(&next, attachments, now)); err != nil {
			return err
		}
		if err := s.notifyEdit(ctx, tx, author, cur, &next, f.Mentions); err != nil {
			return err
		}
		return s.publish(ctx, tx, outbox.StatusUpdated{Author: author, Status: &next, Mentions: f.Mentions, Tags: f.Tags})
	})
	if err != nil {
		return nil, fmt.Errorf("post: edit: %w", err)
	}
	s.removeFiles(ctx, removed)
	s.log.InfoContext(ctx, "status edited", "status_id", id, "account_id", author.ID)
	return s.timelines.Get(ctx, author, id)
}

// applyEdit sets the edited text fields on st.
func (s *Service) applyEdit(st *storage.Status, e Edit) error {
	if e.Text != nil {
		st.Text = strings.TrimSpace(*e.Text)
	}
	if e.SpoilerText != nil {
		st.SpoilerText = strings.TrimSpace(*e.SpoilerText)
	}
	if e.Sensitive != nil {
		st.Sensitive = *e.Sensitive
	}
	if st.SpoilerText != "" {
		st.Sensitive = true
	}
	if e.Language != nil && *e.Language != "" {
		if !languageRe.MatchString(*e.Language) {
			return core.Invalid("Language", "is not a valid language code")
		}
		lang := *e.Language
		st.Language = &lang
	}
	return nil
}

// editedMedia returns the attachments the status has after the edit, and
// whether they differ from cur's (order, membership, descriptions, focal
// points).
func (s *Service) editedMedia(ctx context.Context, author *storage.Account, cur *timeline.Status, e Edit) ([]storage.MediaAttachment, bool, error) {
	if !e.SetMedia && len(e.MediaAttributes) == 0 {
		return cur.Media, false, nil
	}
	var ids []int64
	if e.SetMedia {
		var err error
		if ids, err = parseMediaIDs(e.MediaIDs); err != nil {
			return nil, false, err
		}
	} else {
		for _, m := range cur.Media {
			ids = append(ids, m.ID)
		}
	}
	if len(ids) == 0 && len(e.MediaAttributes) == 0 {
		return []storage.MediaAttachment{}, len(cur.Media) > 0, nil
	}
	if s.media == nil {
		return nil, false, core.Invalid("media_ids", "are not supported on this server")
	}
	edits := make(map[int64]media.Edit, len(e.MediaAttributes))
	for raw, ed := range e.MediaAttributes {
		mid, err := parseMediaIDs([]string{raw})
		if err != nil {
			return nil, false, core.Invalid("media_attributes", "must name attachments listed in media_ids")
		}
		edits[mid[0]] = ed
	}
	ms, err := s.media.ForEdit(ctx, author.ID, cur.ID, ids, edits)
	if err != nil {
		return nil, false, err
	}
	return ms, !sameMedia(cur.Media, ms), nil
}

// sameMedia reports whether two attachment lists are the same attachments
// in the same order with the same descriptions and focal points.
func sameMedia(a, b []storage.MediaAttachment) bool {
	return slices.EqualFunc(a, b, func(x, y storage.MediaAttachment) bool {
		return x.ID == y.ID && deref(x.Description) == deref(y.Description) && x.FocusX == y.FocusX && x.FocusY == y.FocusY
	})
}

// notifyEdit reaches the accounts an edit concerns: newly mentioned
// local accounts get the status in their home feed and a mention
// notification; local accounts that boosted it get "update".
func (s *Service) notifyEdit(ctx context.Context, tx *storage.Store, author *storage.Account, cur *timeline.Status, next *storage.Status, mentions []*storage.Account) error {
	var added []*storage.Account
	var addedIDs []int64
	for _, m := range mentions {
		if !slices.ContainsFunc(cur.Mentions, func(old *storage.Account) bool { return old.ID == m.ID }) {
			added = append(added, m)
			addedIDs = append(addedIDs, m.ID)
		}
	}
	if len(added) > 0 {
		if err := tx.FanOut(ctx, next, false, false, addedIDs); err != nil {
			return err
		}
		for _, m := range added {
			if err := notify.Create(ctx, tx, notify.Mention, m, author.ID, next.ID); err != nil {
				return err
			}
		}
	}
	boosterIDs, err := tx.LocalRebloggerIDs(ctx, next.ID)
	if err != nil || len(boosterIDs) == 0 {
		return err
	}
	boosters, err := tx.AccountsByIDs(ctx, boosterIDs)
	if err != nil {
		return err
	}
	for _, id := range boosterIDs {
		if a, ok := boosters[id]; ok && profile.Shown(a) {
			if err := notify.Create(ctx, tx, notify.Update, a, author.ID, next.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// version snapshots a status with its attachments as of at.
func version(st *storage.Status, ms []storage.MediaAttachment, at time.Time) *storage.StatusVersion {
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return &storage.StatusVersion{
		StatusID: st.ID, AccountID: st.AccountID, Text: st.Text, Content: st.Content, SpoilerText: st.SpoilerText,
		Sensitive: st.Sensitive, Language: st.Language, MediaIDs: storage.JoinIDs(ids), CreatedAt: at,
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Version is one version of a status as History returns it: the status's
// author and visibility, and the attachments of that version that still
// exist.
type Version struct {
	storage.StatusVersion
	Account    profile.Account
	Visibility string
	Media      []storage.MediaAttachment
}

// History returns the versions of a status viewer may see, oldest first:
// the status as first posted, then after each edit. A status never
// edited has one version, itself.
func (s *Service) History(ctx context.Context, viewer *storage.Account, id int64) ([]Version, error) {
	st, err := s.timelines.Get(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.store.StatusVersions(ctx, st.ID)
	if err != nil {
		return nil, fmt.Errorf("post: history: %w", err)
	}
	if len(rows) == 0 {
		at := st.CreatedAt
		if st.EditedAt != nil {
			at = *st.EditedAt
		}
		rows = []storage.StatusVersion{*version(&st.Status, st.Media, at)}
	}
	out := make([]Version, len(rows))
	for i, r := range rows {
		v := Version{StatusVersion: r, Account: st.Account, Visibility: st.Visibility, Media: []storage.MediaAttachment{}}
		for _, mid := range storage.SplitIDs(r.MediaIDs) {
			if j := slices.IndexFunc(st.Media, func(m storage.MediaAttachment) bool { return m.ID == mid }); j >= 0 {
				v.Media = append(v.Media, st.Media[j])
			}
		}
		out[i] = v
	}
	return out, nil
}

// Source returns one of author's statuses with its plain source text, for
// editing; anyone else's is ErrNotFound.
func (s *Service) Source(ctx context.Context, author *storage.Account, id int64) (*timeline.Status, error) {
	st, err := s.timelines.Get(ctx, author, id)
	if err != nil {
		return nil, err
	}
	if st.AccountID != author.ID || st.ReblogOfID != nil {
		return nil, fmt.Errorf("post: source: %w", core.Errorf(core.ErrNotFound, "Record not found"))
	}
	return st, nil
}
