package mastodon

import (
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/storage"
)

// The default images every account without its own shows; Mastodon
// serves the same paths.
const (
	missingAvatarPath = "/avatars/original/missing.png"
	missingHeaderPath = "/headers/original/missing.png"
)

// missingImages are the URLs of the default images, the same for every
// account without its own: built once, not four times per account.
type missingImages struct{ avatar, header string }

func newMissingImages(inst instance.Config) missingImages {
	base := inst.BaseURL()
	return missingImages{avatar: base + missingAvatarPath, header: base + missingHeaderPath}
}

// accountPointers holds what an Account points to, allocated together:
// rendering runs for every account of every page.
type accountPointers struct {
	discoverable, hideCollections bool
	lastStatusAt                  Date
}

// Account is the Account entity (docs entities/Account). Every field is
// always present; Source and Role only on CredentialAccount.
type Account struct {
	ID              string        `json:"id"`
	Username        string        `json:"username"`
	Acct            string        `json:"acct"`
	URL             string        `json:"url"`
	URI             string        `json:"uri"`
	DisplayName     string        `json:"display_name"`
	Note            string        `json:"note"`
	Avatar          string        `json:"avatar"`
	AvatarStatic    string        `json:"avatar_static"`
	Header          string        `json:"header"`
	HeaderStatic    string        `json:"header_static"`
	Locked          bool          `json:"locked"`
	Bot             bool          `json:"bot"`
	Group           bool          `json:"group"`
	Discoverable    *bool         `json:"discoverable"`
	Indexable       bool          `json:"indexable"`
	HideCollections *bool         `json:"hide_collections"`
	Noindex         bool          `json:"noindex"`
	CreatedAt       Time          `json:"created_at"`
	LastStatusAt    *Date         `json:"last_status_at"`
	StatusesCount   int           `json:"statuses_count"`
	FollowersCount  int           `json:"followers_count"`
	FollowingCount  int           `json:"following_count"`
	Emojis          []CustomEmoji `json:"emojis"`
	Fields          []Field       `json:"fields"`
	Roles           []Role        `json:"roles"`
	// Source is the CredentialAccount's editable profile.
	Source *Source `json:"source,omitempty"`
	// Role is the CredentialAccount's role.
	Role *Role `json:"role,omitempty"`
	// Rounds is Rounds' professional profile (entity_rounds.go).
	Rounds RoundsAccount `json:"rounds"`

	// encoded is the library's encoding of this entity, set only by the
	// cache of rendered accounts (accountView.render) and spliced into
	// the JSON of the statuses that point at the entity (Status.Account).
	// It must equal jsonbody.Marshal of the entity, which holds only
	// because a cached entity is never changed after rendering. Copies
	// (accountsFor's lists) carry it, but only a Status splices it and a
	// Status points at the cached entity itself; the library ignores it.
	encoded []byte
}

// Field is a profile metadata field.
type Field struct {
	Name       string `json:"name"`
	Value      string `json:"value"`
	VerifiedAt *Time  `json:"verified_at"`
}

// SourceField is a profile field as its owner typed it.
type SourceField struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Role is a user's role as Mastodon shows it.
type Role struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Color       string `json:"color"`
	Permissions string `json:"permissions"`
	Highlighted bool   `json:"highlighted"`
}

// CustomEmoji is the CustomEmoji entity.
type CustomEmoji struct {
	Shortcode       string `json:"shortcode"`
	URL             string `json:"url"`
	StaticURL       string `json:"static_url"`
	VisibleInPicker bool   `json:"visible_in_picker"`
	Category        string `json:"category"`
}

// Source is CredentialAccount.source: the profile as its owner edits it
// and the posting defaults clients preset the composer with.
type Source struct {
	Privacy             string        `json:"privacy"`
	Sensitive           bool          `json:"sensitive"`
	Language            string        `json:"language"`
	Note                string        `json:"note"`
	Fields              []SourceField `json:"fields"`
	FollowRequestsCount int           `json:"follow_requests_count"`
	Discoverable        bool          `json:"discoverable"`
	HideCollections     bool          `json:"hide_collections"`
	Indexable           bool          `json:"indexable"`
	AttributionDomains  []string      `json:"attribution_domains"`
	QuotePolicy         string        `json:"quote_policy"`
}

// account renders an account with its counts, its fields and
// Account.rounds as the public sees them (accountFor and viewFor render
// them for the request's viewer).
func (h *Handler) account(a profile.Account) Account {
	return h.accountAs(a, credential.Anonymous())
}

// accountAs renders an account with its counts, its fields and
// Account.rounds as viewer v may see them.
func (h *Handler) accountAs(a profile.Account, v credential.Viewer) Account {
	out := Account{
		ID: strconv.FormatInt(a.ID, 10), Username: a.Username, Acct: a.Username,
		DisplayName: a.DisplayName, Locked: a.Locked,
		Bot:       a.Bot || a.ActorType == storage.ActorService || a.ActorType == storage.ActorApplication,
		Group:     a.ActorType == storage.ActorGroup,
		Indexable: false, Noindex: true,
		// Mastodon shows only the day an account was created.
		CreatedAt:     Time(a.CreatedAt.UTC().Truncate(24 * time.Hour)),
		StatusesCount: a.Stats.Statuses, FollowersCount: a.Stats.Followers, FollowingCount: a.Stats.Following,
		Avatar: h.missing.avatar, AvatarStatic: h.missing.avatar,
		Header: h.missing.header, HeaderStatic: h.missing.header,
		Emojis: []CustomEmoji{}, Fields: []Field{}, Roles: []Role{},
	}
	ptrs := &accountPointers{discoverable: a.Discoverable}
	out.Discoverable, out.HideCollections = &ptrs.discoverable, &ptrs.hideCollections
	if a.Stats.LastStatusAt != nil {
		ptrs.lastStatusAt = Date(*a.Stats.LastStatusAt)
		out.LastStatusAt = &ptrs.lastStatusAt
	}
	if a.Local() {
		out.URL = h.Instance.ProfileURL(a.Username)
		out.URI = h.Instance.ActorURL(a.Username)
		out.Note = plainToHTML(a.Note)
	} else {
		out.Acct = a.Username + "@" + a.Domain
		out.URI = deref(a.URI)
		out.URL = deref(a.URL)
		if out.URL == "" {
			out.URL = out.URI
		}
		out.Note = a.Note // remote notes arrive as sanitised HTML
	}
	h.images(&out, a)
	out.Fields, out.Rounds = h.professional(a, v)
	return out
}

// accounts renders a list of accounts.
func (h *Handler) accounts(as []profile.Account) []Account {
	out := make([]Account, len(as))
	for i, a := range as {
		out[i] = h.account(a)
	}
	return out
}

// plainToHTML renders a plain-text profile note as paragraphs.
func plainToHTML(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" {
		return ""
	}
	var b strings.Builder
	for _, para := range strings.Split(s, "\n\n") {
		if para = strings.TrimSpace(para); para == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(html.EscapeString(para), "\n", "<br />"))
		b.WriteString("</p>")
	}
	return b.String()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
