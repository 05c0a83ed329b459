package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// ProfileField is one of the name/value fields an account's owner sets
// through Mastodon's update_credentials (fields_attributes).
type ProfileField struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// AccountProfile holds what Mastodon's profile editor sets beyond the
// accounts columns: the avatar and header images (processed media
// attachments) and the owner's own fields.
type AccountProfile struct {
	bun.BaseModel `bun:"table:account_profiles"`

	AccountID     int64     `bun:"account_id,pk"`
	AvatarMediaID *int64    `bun:"avatar_media_id"`
	HeaderMediaID *int64    `bun:"header_media_id"`
	FieldsJSON    string    `bun:"fields,notnull"`
	UpdatedAt     time.Time `bun:"updated_at,notnull"`

	// Avatar and Header are the images, loaded by AccountProfilesOf.
	Avatar *MediaAttachment `bun:"-"`
	Header *MediaAttachment `bun:"-"`
}

// Fields decodes the owner's fields; a row that cannot be decoded has none.
func (p *AccountProfile) Fields() []ProfileField {
	// Most accounts have none, and this runs for every account on every
	// page: the empty list is answered without the decoder.
	if p == nil || p.FieldsJSON == "[]" {
		return nil
	}
	var out []ProfileField
	if json.Unmarshal([]byte(p.FieldsJSON), &out) != nil {
		return nil
	}
	return out
}

// SetFields encodes the owner's fields into the row.
func (p *AccountProfile) SetFields(fs []ProfileField) {
	if fs == nil {
		fs = []ProfileField{}
	}
	b, _ := json.Marshal(fs) // a slice of string pairs always encodes
	p.FieldsJSON = string(b)
}

// AccountProfilesOf returns the stored profile extras among ids, keyed by
// account ID, with their avatar and header attachments.
func (s *Store) AccountProfilesOf(ctx context.Context, ids []int64) (map[int64]*AccountProfile, error) {
	return cachedByID(ctx, s, kindExtras, ids, s.accountProfilesOf, copyOf[AccountProfile])
}

func (s *Store) accountProfilesOf(ctx context.Context, ids []int64) (map[int64]*AccountProfile, error) {
	out := map[int64]*AccountProfile{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []AccountProfile
	if err := s.idb.NewSelect().Model(&rows).Where("account_id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: account profiles: %w", classify(err))
	}
	var mediaIDs []int64
	for _, r := range rows {
		for _, id := range []*int64{r.AvatarMediaID, r.HeaderMediaID} {
			if id != nil {
				mediaIDs = append(mediaIDs, *id)
			}
		}
	}
	media := map[int64]*MediaAttachment{}
	if len(mediaIDs) > 0 {
		var ms []MediaAttachment
		if err := s.idb.NewSelect().Model(&ms).Where("id IN (?)", bun.In(mediaIDs)).Scan(ctx); err != nil {
			return nil, fmt.Errorf("storage: account images: %w", classify(err))
		}
		for i := range ms {
			media[ms[i].ID] = &ms[i]
		}
	}
	for i := range rows {
		r := &rows[i]
		if r.AvatarMediaID != nil {
			r.Avatar = media[*r.AvatarMediaID]
		}
		if r.HeaderMediaID != nil {
			r.Header = media[*r.HeaderMediaID]
		}
		out[r.AccountID] = r
	}
	return out, nil
}

// AccountSettings are the accounts columns the owner edits; nil leaves a
// column as it is.
type AccountSettings struct {
	DisplayName  *string
	Note         *string
	Locked       *bool
	Bot          *bool
	Discoverable *bool
}

// UpdateAccountSettings writes the set columns of a local account and
// its profile extras (p, when not nil, replaces the stored row) in one
// transaction.
func (s *Store) UpdateAccountSettings(ctx context.Context, accountID int64, set AccountSettings, p *AccountProfile) error {
	return s.InTx(ctx, func(ctx context.Context, tx *Store) error {
		now := time.Now().UTC()
		q := tx.idb.NewUpdate().Model((*Account)(nil)).Set("updated_at = ?", now).Where("id = ?", accountID)
		if set.DisplayName != nil {
			q = q.Set("display_name = ?", *set.DisplayName)
		}
		if set.Note != nil {
			q = q.Set("note = ?", *set.Note)
		}
		for col, v := range map[string]*bool{"locked": set.Locked, "bot": set.Bot, "discoverable": set.Discoverable} {
			if v != nil {
				q = q.Set(col+" = ?", *v)
			}
		}
		res, err := q.Exec(ctx)
		if err := checkUpdated(res, err, "update account"); err != nil {
			return err
		}
		if p == nil {
			return nil
		}
		p.AccountID, p.UpdatedAt = accountID, now
		if p.FieldsJSON == "" {
			p.FieldsJSON = "[]"
		}
		_, err = tx.idb.NewInsert().Model(p).On("CONFLICT (account_id) DO UPDATE").
			Set("avatar_media_id = EXCLUDED.avatar_media_id").Set("header_media_id = EXCLUDED.header_media_id").
			Set("fields = EXCLUDED.fields").Set("updated_at = EXCLUDED.updated_at").Exec(ctx)
		if err != nil {
			return fmt.Errorf("storage: save account profile: %w", classify(err))
		}
		return nil
	})
}

// SetProfileFields replaces the fields of an account's profile extras,
// keeping its images: a remote actor's own fields (its PropertyValue
// attachments). An account without fields and without a row gets none.
func (s *Store) SetProfileFields(ctx context.Context, accountID int64, fs []ProfileField) error {
	p := &AccountProfile{AccountID: accountID, UpdatedAt: time.Now().UTC()}
	p.SetFields(fs)
	var err error
	if len(fs) == 0 {
		_, err = s.idb.NewUpdate().Model((*AccountProfile)(nil)).Set("fields = ?", p.FieldsJSON).
			Set("updated_at = ?", p.UpdatedAt).Where("account_id = ?", accountID).Exec(ctx)
	} else {
		_, err = s.idb.NewInsert().Model(p).On("CONFLICT (account_id) DO UPDATE").
			Set("fields = EXCLUDED.fields").Set("updated_at = EXCLUDED.updated_at").Exec(ctx)
	}
	if err != nil {
		return fmt.Errorf("storage: set profile fields: %w", classify(err))
	}
	return nil
}
