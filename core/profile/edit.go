package profile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/storage"
)

// Limits of the editable profile, Mastodon's defaults.
const (
	MaxDisplayNameRunes = 30
	MaxNoteRunes        = 500
	MaxFields           = 4
	MaxFieldRunes       = 255
)

// languageRe is an ISO 639-1 (or 639-3) language code.
var languageRe = regexp.MustCompile(`^[a-z]{2,3}$`)

// Edit is a change to the profile a Mastodon client edits
// (update_credentials): nil leaves a value as it is.
type Edit struct {
	DisplayName  *string
	Note         *string
	Locked       *bool
	Bot          *bool
	Discoverable *bool
	// Fields replaces the owner's own fields (at most MaxFields).
	Fields *[]storage.ProfileField
	// Avatar and Header are uploaded image files; each is decoded and
	// re-encoded by core/media, so no EXIF or GPS metadata survives.
	Avatar, Header []byte
	// Privacy, Sensitive and Language are the posting defaults
	// (source[privacy], source[sensitive], source[language]).
	Privacy   *string
	Sensitive *bool
	Language  *string
}

// Editor applies Edits: the rules on names, notes, fields and images, in
// one transaction that also tells other servers (an Update of the actor).
type Editor struct {
	profiles *Service
	store    *storage.Store
	media    *media.Service
	pub      outbox.Publisher
	log      *slog.Logger
}

// NewEditor returns an Editor. pub nil publishes nothing.
func NewEditor(profiles *Service, store *storage.Store, m *media.Service, pub outbox.Publisher, log *slog.Logger) *Editor {
	if pub == nil {
		pub = outbox.Nop{}
	}
	return &Editor{profiles: profiles, store: store, media: m, pub: pub, log: log}
}

// WithPublisher makes ed tell p, inside each edit's transaction, about the
// edited profile (federation sends an Update of the actor); nil keeps the
// publisher ed has. Call it once while wiring, before ed is used.
func (ed *Editor) WithPublisher(p outbox.Publisher) *Editor {
	if p != nil {
		ed.pub = p
	}
	return ed
}

// check validates an edit, returning a core.Invalid naming the field.
func (e *Edit) check() error {
	if e.DisplayName != nil {
		*e.DisplayName = strings.TrimSpace(*e.DisplayName)
		if err := text("display_name", *e.DisplayName, MaxDisplayNameRunes, false); err != nil {
			return err
		}
	}
	if e.Note != nil {
		*e.Note = strings.TrimSpace(strings.ReplaceAll(*e.Note, "\r\n", "\n"))
		if err := text("note", *e.Note, MaxNoteRunes, true); err != nil {
			return err
		}
	}
	if e.Fields != nil {
		var kept []storage.ProfileField
		for _, f := range *e.Fields {
			f.Name, f.Value = strings.TrimSpace(f.Name), strings.TrimSpace(f.Value)
			if f.Name == "" && f.Value == "" {
				continue // Mastodon clients send blank rows for empty slots
			}
			if f.Name == "" {
				return core.Invalid("fields_attributes", "every field needs a name")
			}
			if err := text("fields_attributes", f.Name, MaxFieldRunes, false); err != nil {
				return err
			}
			if err := text("fields_attributes", f.Value, MaxFieldRunes, false); err != nil {
				return err
			}
			kept = append(kept, f)
		}
		if len(kept) > MaxFields {
			return core.Invalid("fields_attributes", fmt.Sprintf("must have at most %d fields", MaxFields))
		}
		*e.Fields = kept
	}
	if e.Privacy != nil {
		switch *e.Privacy {
		case "public", "unlisted", "private":
		default:
			return core.Invalid("source[privacy]", "must be public, unlisted or private")
		}
	}
	if e.Language != nil {
		*e.Language = strings.ToLower(strings.TrimSpace(*e.Language))
		if *e.Language != "" && !languageRe.MatchString(*e.Language) {
			return core.Invalid("source[language]", "must be an ISO 639 language code")
		}
	}
	return nil
}

// text refuses invalid UTF-8, over-long text and control characters
// (line breaks only where allowed).
func text(field, s string, max int, lines bool) error {
	if !utf8.ValidString(s) {
		return core.Invalid(field, "is not valid UTF-8")
	}
	if utf8.RuneCountInString(s) > max {
		return core.Invalid(field, fmt.Sprintf("must be at most %d characters", max))
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && !(lines && r == '\n') }) >= 0 {
		return core.Invalid(field, "must not hold control characters")
	}
	return nil
}

// Edit applies an edit to the local account a and returns the account
// as it is now. Images are processed before anything is stored; a bad
// image is a core.Invalid naming "avatar" or "header" and changes nothing.
func (ed *Editor) Edit(ctx context.Context, a *storage.Account, e Edit) (*Account, error) {
	if a == nil || !a.Local() {
		return nil, fmt.Errorf("profile: edit: %w", core.ErrForbidden)
	}
	if err := e.check(); err != nil {
		return nil, fmt.Errorf("profile: edit: %w", err)
	}
	images := map[string]*int64{}
	for name, file := range map[string][]byte{"avatar": e.Avatar, "header": e.Header} {
		if file == nil {
			continue
		}
		m, err := ed.media.Create(ctx, a.ID, media.Upload{File: file}, true)
		if err != nil {
			var inv *core.InvalidError
			if errors.As(err, &inv) {
				return nil, fmt.Errorf("profile: edit: %w", core.Invalid(name, inv.Reason))
			}
			return nil, fmt.Errorf("profile: edit: %s: %w", name, err)
		}
		images[name] = &m.ID
	}
	var replaced []int64
	err := ed.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		var extras *storage.AccountProfile
		if e.Fields != nil || len(images) > 0 {
			old, err := tx.AccountProfilesOf(ctx, []int64{a.ID})
			if err != nil {
				return err
			}
			extras = &storage.AccountProfile{FieldsJSON: "[]"}
			if o := old[a.ID]; o != nil {
				extras.AvatarMediaID, extras.HeaderMediaID, extras.FieldsJSON = o.AvatarMediaID, o.HeaderMediaID, o.FieldsJSON
			}
			for name, dst := range map[string]**int64{"avatar": &extras.AvatarMediaID, "header": &extras.HeaderMediaID} {
				if id := images[name]; id != nil {
					if *dst != nil {
						replaced = append(replaced, **dst)
					}
					*dst = id
				}
			}
			if e.Fields != nil {
				extras.SetFields(*e.Fields)
			}
		}
		set := storage.AccountSettings{DisplayName: e.DisplayName, Note: e.Note, Locked: e.Locked, Bot: e.Bot, Discoverable: e.Discoverable}
		if err := tx.UpdateAccountSettings(ctx, a.ID, set, extras); err != nil {
			return err
		}
		if e.Privacy != nil || e.Sensitive != nil || e.Language != nil {
			prefs, err := tx.PreferencesOf(ctx, a.ID)
			if err != nil {
				return err
			}
			if e.Privacy != nil {
				prefs.DefaultVisibility = *e.Privacy
			}
			if e.Sensitive != nil {
				prefs.DefaultSensitive = *e.Sensitive
			}
			if e.Language != nil {
				prefs.DefaultLanguage = e.Language
				if *e.Language == "" {
					prefs.DefaultLanguage = nil
				}
			}
			if err := tx.SetPreferences(ctx, prefs); err != nil {
				return err
			}
		}
		now, err := tx.AccountByID(ctx, a.ID)
		if err != nil {
			return err
		}
		return ed.pub.Publish(ctx, tx, outbox.ProfileUpdated{Account: now})
	})
	if err != nil {
		return nil, fmt.Errorf("profile: edit: %w", err)
	}
	for _, id := range replaced {
		if err := ed.media.Delete(ctx, a.ID, id); err != nil {
			ed.log.WarnContext(ctx, "profile: delete replaced image", "media_id", id, "err", err)
		}
	}
	ed.log.InfoContext(ctx, "profile edited", "account_id", a.ID)
	return ed.profiles.Get(ctx, a.ID)
}
