package mastodon

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/web/jsonbody"
	"github.com/rounds-md/rounds/web/oauth"
)

// createStatus serves POST /api/v1/statuses (methods/statuses#create):
// status, spoiler_text, sensitive, visibility, language, in_reply_to_id,
// media_ids[], poll[...], scheduled_at, and the Idempotency-Key header.
func (h *Handler) createStatus(c *gin.Context) {
	p, ok := h.bindOr(c)
	if !ok {
		return
	}
	sensitive, err := p.boolPtr("sensitive")
	if err != nil {
		h.fail(c, err)
		return
	}
	replyTo, err := p.id("in_reply_to_id")
	if err != nil {
		h.fail(c, err)
		return
	}
	vis, _ := p.opt("visibility")
	lang, _ := p.opt("language")
	d := post.Draft{
		Text: p.text("status"), SpoilerText: p.text("spoiler_text"), Sensitive: sensitive,
		Visibility: vis, Language: lang, InReplyToID: replyTo, MediaIDs: p.list("media_ids"),
		IdempotencyKey: c.GetHeader("Idempotency-Key"),
	}
	if a := oauth.FromContext(c); a != nil && a.App != nil {
		d.ApplicationID = &a.App.ID
	}
	if h.composeExtras(c, p, &d) { // poll, scheduled_at (polls.go)
		return
	}
	me := viewer(c)
	st, err := h.social.posts.Create(c.Request.Context(), me, d)
	h.respondStatus(c, st, err)
}

// getStatus serves GET /api/v1/statuses/:id (methods/statuses#get):
// 404 unless the viewer is in the status's audience.
func (h *Handler) getStatus(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	me := viewer(c)
	st, err := h.social.timelines.Get(c.Request.Context(), me, id)
	h.respondStatus(c, st, err)
}

// statusContext serves GET /api/v1/statuses/:id/context
// (methods/statuses#context): the visible ancestors and descendants.
func (h *Handler) statusContext(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	me := viewer(c)
	th, err := h.social.timelines.Thread(c.Request.Context(), me, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	ancestors, ok := h.statusesFor(c, th.Ancestors)
	if !ok {
		return
	}
	descendants, ok := h.statusesFor(c, th.Descendants)
	if !ok {
		return
	}
	jsonbody.Write(c, http.StatusOK, Context{Ancestors: ancestors, Descendants: descendants})
}

// deleteStatus serves DELETE /api/v1/statuses/:id (methods/statuses#delete):
// the author only; returns the deleted status with its source text and
// attachments, for delete-and-redraft. delete_media=true deletes the
// attachments too; otherwise they are kept, unattached, for the redraft.
func (h *Handler) deleteStatus(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	p, ok := h.bindOr(c)
	if !ok {
		return
	}
	deleteMedia, err := p.flag("delete_media")
	if err != nil {
		h.fail(c, err)
		return
	}
	me := viewer(c)
	st, err := h.social.posts.Delete(c.Request.Context(), me, id, deleteMedia)
	if err != nil {
		h.fail(c, err)
		return
	}
	out, ok := h.statusFor(c, *st)
	if !ok {
		return
	}
	out.Text = &st.Text
	// The attachments are gone or unattached now: only signed URLs work.
	out.MediaAttachments = h.signedMedia(st.Media)
	jsonbody.Write(c, http.StatusOK, out)
}
