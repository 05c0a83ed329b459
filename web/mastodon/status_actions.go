package mastodon

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/follow"
	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// statusAction serves the POST actions on a status that answer with the
// status (methods/statuses): favourite, unfavourite, bookmark,
// unbookmark, pin, unpin, mute, unmute, unreblog.
func (h *Handler) statusAction(act func(*post.Service, context.Context, *storage.Account, int64) (*timeline.Status, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := pathID(c, "id")
		if !ok {
			return
		}
		me := viewer(c)
		st, err := act(h.social.posts, c.Request.Context(), me, id)
		h.respondStatus(c, st, err)
	}
}

// reblogStatus serves POST /api/v1/statuses/:id/reblog
// (methods/statuses#boost): visibility (public, unlisted, private); the
// answer is the boost, whose reblog is the boosted status.
func (h *Handler) reblogStatus(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	p, ok := h.bindOr(c)
	if !ok {
		return
	}
	vis, _ := p.opt("visibility")
	me := viewer(c)
	st, err := h.social.posts.Reblog(c.Request.Context(), me, id, vis)
	h.respondStatus(c, st, err)
}

// favouritedBy serves GET /api/v1/statuses/:id/favourited_by
// (methods/statuses#favourited_by), paged by the favourites' IDs.
func (h *Handler) favouritedBy(c *gin.Context, p storage.Page) ([]follow.Entry, error) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		return nil, errNotFound
	}
	return h.social.posts.FavouritedBy(c.Request.Context(), viewer(c), id, p)
}

// rebloggedBy serves GET /api/v1/statuses/:id/reblogged_by
// (methods/statuses#reblogged_by), paged by the boosts' IDs.
func (h *Handler) rebloggedBy(c *gin.Context, p storage.Page) ([]follow.Entry, error) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		return nil, errNotFound
	}
	return h.social.posts.RebloggedBy(c.Request.Context(), viewer(c), id, p)
}

// markedStatuses serves GET /api/v1/favourites (methods/favourites) and
// GET /api/v1/bookmarks (methods/bookmarks): newest first, paged by the
// favourite's or bookmark's own ID, which the Link header carries as
// max_id and min_id.
func (h *Handler) markedStatuses(m storage.Mark) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := h.bindOr(c)
		if !ok {
			return
		}
		me := viewer(c)
		res, err := h.social.timelines.Marked(c.Request.Context(), me, m, p.page(statusPage))
		if err != nil {
			h.fail(c, err)
			return
		}
		if len(res.Statuses) > 0 {
			h.setLink(c, res.Next, res.Prev)
		}
		out, ok := h.statusesFor(c, res.Statuses)
		if !ok {
			return
		}
		jsonbody.Write(c, http.StatusOK, out)
	}
}

// statusMedia renders a status's attachments.
func (h *Handler) statusMedia(st *timeline.Status) []MediaAttachment {
	return h.mediaFor(st.Media, st.Visibility)
}

// mediaFor renders the attachments of a status of visibility vis: with
// plain URLs for public and unlisted statuses, whose files anyone may
// fetch, and with signed, expiring URLs otherwise, so that the files of
// a private or direct status reach only those the API showed it to
// (media.Service.Authorize).
func (h *Handler) mediaFor(ms []storage.MediaAttachment, vis string) []MediaAttachment {
	if media.PublicFiles(vis) {
		out := make([]MediaAttachment, len(ms))
		for i := range ms {
			out[i] = h.plainMediaAttachment(&ms[i])
		}
		return out
	}
	return h.signedMedia(ms)
}

// signedMedia renders attachments with signed URLs.
func (h *Handler) signedMedia(ms []storage.MediaAttachment) []MediaAttachment {
	out := make([]MediaAttachment, len(ms))
	now := time.Now()
	for i := range ms {
		out[i] = h.plainMediaAttachment(&ms[i])
		out[i].URL, out[i].PreviewURL = h.Media.SignedURLs(&ms[i], now)
	}
	return out
}
