package mastodon

import (
	"strconv"
	"strings"

	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/storage"
)

// Status is the Status entity (docs entities/Status). Every field Mastodon
// always sends is always here; the viewer's own flags (favourited, ...)
// only with a signed-in viewer; text only in delete-and-redraft replies.
type Status struct {
	ID                 string             `json:"id"`
	URI                string             `json:"uri"`
	URL                *string            `json:"url"`
	CreatedAt          Time               `json:"created_at"`
	EditedAt           *Time              `json:"edited_at"`
	Account            *Account           `json:"account"`
	Content            string             `json:"content"`
	Visibility         string             `json:"visibility"`
	Sensitive          bool               `json:"sensitive"`
	SpoilerText        string             `json:"spoiler_text"`
	MediaAttachments   []MediaAttachment  `json:"media_attachments"`
	Mentions           []Mention          `json:"mentions"`
	Tags               []Tag              `json:"tags"`
	Emojis             []CustomEmoji      `json:"emojis"`
	ReblogsCount       int                `json:"reblogs_count"`
	FavouritesCount    int                `json:"favourites_count"`
	RepliesCount       int                `json:"replies_count"`
	InReplyToID        *string            `json:"in_reply_to_id"`
	InReplyToAccountID *string            `json:"in_reply_to_account_id"`
	Reblog             *Status            `json:"reblog"`
	Poll               *Poll              `json:"poll"`
	Card               *json0             `json:"card"`
	Language           *string            `json:"language"`
	Text               *string            `json:"text,omitempty"`
	Favourited         *bool              `json:"favourited,omitempty"`
	Reblogged          *bool              `json:"reblogged,omitempty"`
	Muted              *bool              `json:"muted,omitempty"`
	Bookmarked         *bool              `json:"bookmarked,omitempty"`
	Pinned             *bool              `json:"pinned,omitempty"`
	Filtered           *[]FilterResult    `json:"filtered,omitempty"`
	Application        *StatusApplication `json:"application,omitempty"`
}

// json0 stands for entities Rounds does not produce yet (cards); only
// empty lists and nulls of it are sent.
type json0 struct{}

// Mention is Status.mentions[].
type Mention struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	URL      string `json:"url"`
	Acct     string `json:"acct"`
}

// Tag is Status.tags[].
type Tag struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// StatusApplication is Status.application.
type StatusApplication struct {
	Name    string  `json:"name"`
	Website *string `json:"website"`
}

// Context is the Context entity: a status's thread.
type Context struct {
	Ancestors   []Status `json:"ancestors"`
	Descendants []Status `json:"descendants"`
}

// status renders a status for viewer (nil for anonymous), with its
// accounts as the public sees them.
func (h *Handler) status(st timeline.Status, viewer *storage.Account) Status {
	return h.statusWith(&st, viewer, func(a profile.Account) *Account {
		out := h.account(a)
		return &out
	})
}

// statusWith renders a status for viewer (nil for anonymous), rendering
// its author and its boosted status's author with account.
func (h *Handler) statusWith(st *timeline.Status, viewer *storage.Account, account func(profile.Account) *Account) Status {
	author := account(st.Account)
	var id, uri string
	var url *string
	if st.Local {
		// The author's rendered account holds the actor and profile URLs
		// already when the author is local, as the author of a local
		// status is.
		actor, page := author.URI, author.URL
		if !st.Account.Local() {
			actor, page = h.Instance.ActorURL(st.Account.Username), h.Instance.ProfileURL(st.Account.Username)
		}
		var u string
		id, uri, u = localStatusURLs(st.ID, actor, page)
		url = &u
	} else {
		id = strconv.FormatInt(st.ID, 10)
		uri, url = deref(st.URI), st.URL
		if url == nil {
			url = st.URI
		}
	}
	out := Status{
		ID: id, URI: uri, URL: url, CreatedAt: Time(st.CreatedAt), EditedAt: timePtr(st.EditedAt),
		Account: author, Content: st.Content, Visibility: st.Visibility,
		Sensitive: st.Sensitive, SpoilerText: st.SpoilerText,
		MediaAttachments: h.statusMedia(st), Mentions: make([]Mention, 0, len(st.Mentions)),
		Tags: make([]Tag, 0, len(st.Tags)), Emojis: []CustomEmoji{},
		RepliesCount: st.RepliesCount, ReblogsCount: st.ReblogsCount, FavouritesCount: st.FavouritesCount,
		Language: st.Language,
	}
	if st.Reblog != nil {
		r := h.statusWith(st.Reblog, viewer, account)
		out.Reblog = &r
	}
	if st.Poll != nil {
		p := pollEntity(*st.Poll)
		out.Poll = &p
	}
	if st.InReplyToID != nil {
		s := strconv.FormatInt(*st.InReplyToID, 10)
		out.InReplyToID = &s
	}
	if st.InReplyToAccountID != nil {
		s := strconv.FormatInt(*st.InReplyToAccountID, 10)
		out.InReplyToAccountID = &s
	}
	for _, m := range st.Mentions {
		acct, u := m.Username, ""
		if m.Local() {
			u = h.Instance.ProfileURL(m.Username)
		} else {
			acct += "@" + m.Domain
			u = deref(m.URL)
			if u == "" {
				u = deref(m.URI)
			}
		}
		out.Mentions = append(out.Mentions, Mention{ID: strconv.FormatInt(m.ID, 10), Username: m.Username, URL: u, Acct: acct})
	}
	for _, t := range st.Tags {
		out.Tags = append(out.Tags, Tag{Name: t, URL: h.Instance.BaseURL() + "/tags/" + t})
	}
	if viewer != nil {
		// One allocation for what the viewer's flags point to.
		mine := &struct {
			timeline.Relation
			filtered []FilterResult
		}{st.Mine, filterResults(st.Filtered)}
		out.Favourited, out.Reblogged, out.Muted, out.Bookmarked = &mine.Favourited, &mine.Reblogged, &mine.Muted, &mine.Bookmarked
		out.Filtered = &mine.filtered
		if viewer.ID == st.AccountID {
			out.Pinned = &mine.Pinned
		}
	}
	return out
}

// statuses renders a list of statuses, their accounts with account.
func (h *Handler) statuses(sts []timeline.Status, viewer *storage.Account, account func(profile.Account) *Account) []Status {
	out := make([]Status, len(sts))
	for i := range sts {
		out[i] = h.statusWith(&sts[i], viewer, account)
	}
	return out
}

// localStatusURLs returns a local status's ID as text, its URI
// (actor/statuses/ID) and its URL (page/ID), the three in one string:
// made apart, they were three allocations for every status of every page.
func localStatusURLs(id int64, actor, page string) (idText, uri, url string) {
	var num [20]byte
	digits := strconv.AppendInt(num[:0], id, 10)
	const statuses = "/statuses/"
	var b strings.Builder
	b.Grow(len(actor) + len(statuses) + len(page) + 1 + 2*len(digits))
	b.WriteString(actor)
	b.WriteString(statuses)
	start := b.Len()
	b.Write(digits)
	end := b.Len()
	b.WriteString(page)
	b.WriteByte('/')
	b.Write(digits)
	all := b.String()
	return all[start:end], all[:end], all[end:]
}
