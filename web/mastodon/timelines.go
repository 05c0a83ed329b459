package mastodon

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// homeTimeline serves GET /api/v1/timelines/home (methods/timelines#home).
func (h *Handler) homeTimeline(c *gin.Context) {
	p, ok := h.bindOr(c)
	if !ok {
		return
	}
	me := viewer(c)
	res, err := h.social.timelines.Home(c.Request.Context(), me, p.page(statusPage))
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

// publicTimeline serves GET /api/v1/timelines/public
// (methods/timelines#public): local, remote, only_media.
func (h *Handler) publicTimeline(c *gin.Context) {
	p, ok := h.bindOr(c)
	if !ok {
		return
	}
	var f storage.PublicFilter
	var err error
	for _, b := range []struct {
		key string
		dst *bool
	}{{"local", &f.LocalOnly}, {"remote", &f.RemoteOnly}, {"only_media", &f.OnlyMedia}} {
		if *b.dst, err = p.flag(b.key); err != nil {
			h.fail(c, err)
			return
		}
	}
	me := viewer(c)
	res, err := h.social.timelines.Public(c.Request.Context(), me, f, p.page(statusPage))
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
