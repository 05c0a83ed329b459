package pages

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/core/tag"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/core/visibility"
)

// Statuses are what the status and hashtag pages read through: the same
// core services, with the same visibility rules, as the Mastodon API's
// GET /api/v1/statuses/:id and GET /api/v1/timelines/tag/:hashtag.
type Statuses struct {
	Timelines *timeline.Service
	Tags      *tag.Service
	// Media gives the attachments' URLs (plain or signed, as the API
	// gives them).
	Media *media.Service
}

// WithStatuses turns on the status pages (/@{username}/{id}) and the
// hashtag pages (/tags/{name}). Call it once while wiring.
func (p *Pages) WithStatuses(st Statuses) *Pages {
	p.st = &st
	return p
}

// statusPage is the data of the status template.
type statusPage struct {
	Status shownStatus
	// ParentURL is the page of the status this one replies to, "" when
	// it is no reply or the viewer may not see the parent (Replied says
	// which).
	ParentURL string
	Replied   bool
	// OpenGraph is set for public statuses only.
	OpenGraph   *openGraph
	ActivityURL string
	Viewer      string
	CSRF        string
	CSRFName    string
}

// shownStatus is one status as the pages show it.
type shownStatus struct {
	URL         string
	AuthorName  string
	AuthorAcct  string
	AuthorURL   string
	Content     template.HTML
	SpoilerText string
	Media       []shownMedia
	Tags        []shownTag
	Created     string
	CreatedISO  string
	Visibility  string
}

// shownMedia is an attachment: its link and its description.
type shownMedia struct {
	Type, URL, Description string
}

// shownTag is a hashtag of a status with its page.
type shownTag struct {
	Name, URL string
}

// openGraph is what a public status's page tells link previews.
type openGraph struct {
	Title, Description, URL, Image string
}

// Status serves GET /@{username}/{id} to browsers (Mastodon's status
// page; ActivityStreams requests get the Note, web/activitypub): one local
// status, shown only when timeline.Service.Get lets the browser's viewer
// (signed in through web/oauth's session, or anonymous) see it, exactly as
// GET /api/v1/statuses/:id does. Anything else, a status of another
// account included, is the same 404 page as an unknown ID, so that a
// status's existence is never revealed. A boost is sent to the boosted
// status.
func (p *Pages) Status(c *gin.Context) {
	c.Writer.Header().Add("Vary", "Accept")
	ctx := c.Request.Context()
	ws := p.session(c)
	if ws != nil {
		private(c)
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		p.statusNotFound(c)
		return
	}
	viewer := accountOf(ws)
	st, err := p.st.Timelines.Get(ctx, viewer, id)
	switch {
	case errors.Is(err, core.ErrNotFound):
		p.statusNotFound(c)
		return
	case err != nil:
		p.log.ErrorContext(ctx, "status page", "status", id, "err", err)
		p.renderError(c, http.StatusInternalServerError, "Something went wrong", "Please try again later.")
		return
	}
	// The path names the author: a status of anyone else is not found.
	if !st.Local || !st.Account.Local() || !strings.EqualFold(st.Account.Username, c.Param("username")) {
		p.statusNotFound(c)
		return
	}
	if st.Reblog != nil {
		if u := p.statusURL(st.Reblog); u != "" {
			c.Redirect(http.StatusFound, u)
			return
		}
		p.statusNotFound(c)
		return
	}
	data := statusPage{Status: p.shown(st, time.Now()), ActivityURL: p.inst.ActorURL(st.Account.Username) + "/statuses/" + strconv.FormatInt(st.ID, 10)}
	if st.InReplyToID != nil {
		data.Replied = true
		parent, err := p.st.Timelines.Get(ctx, viewer, *st.InReplyToID)
		if err != nil && !errors.Is(err, core.ErrNotFound) {
			p.log.ErrorContext(ctx, "status page: parent", "status", id, "err", err)
		}
		if err == nil {
			data.ParentURL = p.statusURL(parent)
		}
	}
	if ws != nil {
		data.Viewer = ws.Account.Username
		if p.pro != nil {
			data.CSRF, data.CSRFName = p.pro.Sessions.CSRFToken(c), p.pro.CSRFField
		}
	}
	if visibility.Visibility(st.Visibility) == visibility.Public {
		data.OpenGraph = p.openGraph(st, data.Status)
	}
	p.render(c, http.StatusOK, "status", page{
		Title: data.Status.AuthorName + ": " + titleOf(st),
		// Rounds asks that no account be indexed (the API's
		// Account.noindex is true for all, the actors' indexable false).
		NoIndex: true,
		Data:    data,
	})
}

// statusNotFound answers the one 404 page of the status pages.
func (p *Pages) statusNotFound(c *gin.Context) {
	p.renderError(c, http.StatusNotFound, "Not found", "There is no post here, or it is not shown to you.")
}

// statusURL is where a page links a status the viewer may see: its page
// here, its own page elsewhere ("" when it has none).
func (p *Pages) statusURL(st *timeline.Status) string {
	if st.Local && st.Account.Local() {
		return p.inst.ProfileURL(st.Account.Username) + "/" + strconv.FormatInt(st.ID, 10)
	}
	for _, u := range []*string{st.URL, st.URI} {
		if u != nil && (strings.HasPrefix(*u, "https://") || strings.HasPrefix(*u, "http://")) {
			return *u
		}
	}
	return ""
}

// shown turns a status its viewer may see into what the templates show.
// The content is the HTML the API serves as Status.content, made by
// core/post when the status was written; it is not rendered again here.
func (p *Pages) shown(st *timeline.Status, now time.Time) shownStatus {
	a := st.Account.Account
	name := a.DisplayName
	if strings.TrimSpace(name) == "" {
		name = a.Username
	}
	out := shownStatus{
		URL:        p.statusURL(st),
		AuthorName: name, AuthorAcct: p.acctOf(a), AuthorURL: p.linkOf(a),
		// core/post's own HTML, byte for byte what the API serves.
		Content:     template.HTML(st.Content),
		SpoilerText: st.SpoilerText,
		Created:     st.CreatedAt.UTC().Format("2 January 2006, 15:04 MST"),
		CreatedISO:  st.CreatedAt.UTC().Format(time.RFC3339),
		Visibility:  st.Visibility,
	}
	for i := range st.Media {
		m := &st.Media[i]
		file, _ := p.st.Media.StatusURLs(m, st.Visibility, now)
		sm := shownMedia{Type: m.Type}
		if file != nil {
			sm.URL = *file
		}
		if m.Description != nil {
			sm.Description = *m.Description
		}
		out.Media = append(out.Media, sm)
	}
	for _, t := range st.Tags {
		out.Tags = append(out.Tags, shownTag{Name: t, URL: p.inst.BaseURL() + "/tags/" + t})
	}
	return out
}

// openGraph is the link preview of a public status: its content warning
// rather than its text when it has one, and its first image only when
// it is not marked sensitive.
func (p *Pages) openGraph(st *timeline.Status, s shownStatus) *openGraph {
	og := &openGraph{Title: s.AuthorName + " (@" + s.AuthorAcct + ")", URL: s.URL, Description: excerpt(st.Text, 200)}
	if st.SpoilerText != "" {
		og.Description = st.SpoilerText
	}
	if !st.Sensitive {
		for _, m := range s.Media {
			if m.Type == "image" && m.URL != "" {
				og.Image = m.URL
				break
			}
		}
	}
	return og
}

// titleOf is a status page's title: the content warning, or the start of
// the text.
func titleOf(st *timeline.Status) string {
	if st.SpoilerText != "" {
		return st.SpoilerText
	}
	if t := excerpt(st.Text, 60); t != "" {
		return t
	}
	return "Post"
}

// excerpt is text on one line, cut at max runes with an ellipsis.
func excerpt(text string, max int) string {
	text = strings.Join(strings.Fields(text), " ")
	if r := []rune(text); len(r) > max {
		return strings.TrimSpace(string(r[:max])) + "…"
	}
	return text
}

// statusesOf turns a page of statuses into what the templates show.
func (p *Pages) statusesOf(sts []timeline.Status) []shownStatus {
	now := time.Now()
	out := make([]shownStatus, 0, len(sts))
	for i := range sts {
		out = append(out, p.shown(&sts[i], now))
	}
	return out
}
