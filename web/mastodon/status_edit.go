package mastodon

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// StatusEdit is the StatusEdit entity (docs entities/StatusEdit): one
// version of a status in its history.
type StatusEdit struct {
	Content          string            `json:"content"`
	SpoilerText      string            `json:"spoiler_text"`
	Sensitive        bool              `json:"sensitive"`
	CreatedAt        Time              `json:"created_at"`
	Account          Account           `json:"account"`
	MediaAttachments []MediaAttachment `json:"media_attachments"`
	Emojis           []CustomEmoji     `json:"emojis"`
}

// StatusSource is the StatusSource entity (docs entities/StatusSource):
// the plain text a status was written in.
type StatusSource struct {
	ID          string `json:"id"`
	Text        string `json:"text"`
	SpoilerText string `json:"spoiler_text"`
}

// editStatus serves PUT /api/v1/statuses/:id (methods/statuses#edit):
// status, spoiler_text, sensitive, language, media_ids[] and
// media_attributes[][id|description|focus]; parameters not sent stay as
// they are. The author only.
func (h *Handler) editStatus(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	rb := peekBody(c)
	p, ok := h.bindOr(c)
	if !ok {
		return
	}
	e := post.Edit{Text: optText(p, "status"), SpoilerText: optText(p, "spoiler_text")}
	var err error
	if e.Sensitive, err = p.boolPtr("sensitive"); err != nil {
		h.fail(c, err)
		return
	}
	if lang, ok := p.opt("language"); ok {
		e.Language = &lang
	}
	if present(p, "media_ids") {
		e.SetMedia, e.MediaIDs = true, p.list("media_ids")
	}
	for _, a := range attrEntries(p, rb, "media_attributes") {
		if e.MediaAttributes == nil {
			e.MediaAttributes = map[string]media.Edit{}
		}
		var ed media.Edit
		if d, ok := a["description"]; ok {
			ed.Description = &d
		}
		if f, ok := a["focus"]; ok {
			ed.Focus = &f
		}
		e.MediaAttributes[a["id"]] = ed
	}
	me := viewer(c)
	st, err := h.social.posts.Edit(c.Request.Context(), me, id, e)
	h.respondStatus(c, st, err)
}

// statusHistory serves GET /api/v1/statuses/:id/history
// (methods/statuses#history): every version, oldest first, the first
// being the status as posted.
func (h *Handler) statusHistory(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	vs, err := h.social.posts.History(c.Request.Context(), viewer(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	// The author as the viewer may see them, as in the status itself.
	accts := make([]*profile.Account, len(vs))
	for i := range vs {
		accts[i] = &vs[i].Account
	}
	view, err := h.viewFor(c, accts)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]StatusEdit, len(vs))
	for i, v := range vs {
		out[i] = StatusEdit{
			Content: v.Content, SpoilerText: v.SpoilerText, Sensitive: v.Sensitive, CreatedAt: Time(v.CreatedAt),
			Account: *view.render(v.Account), MediaAttachments: h.mediaFor(v.Media, v.Visibility), Emojis: []CustomEmoji{},
		}
	}
	jsonbody.Write(c, http.StatusOK, out)
}

// statusSource serves GET /api/v1/statuses/:id/source
// (methods/statuses#source): the author's plain text, for editing.
func (h *Handler) statusSource(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	st, err := h.social.posts.Source(c.Request.Context(), viewer(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, StatusSource{ID: strconv.FormatInt(st.ID, 10), Text: st.Text, SpoilerText: st.SpoilerText})
}
