package mastodon

import (
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/storage"
)

// pageSize is an endpoint's default and maximum limit.
type pageSize struct{ def, max int }

// Mastodon's limits: statuses 20 (at most 40), accounts and notifications
// 40 (at most 80).
var (
	statusPage       = pageSize{20, 40}
	accountPage      = pageSize{40, 80}
	notificationPage = pageSize{40, 80}
)

// page reads max_id, since_id, min_id and limit; a limit above the maximum
// is capped, a missing, zero or unreadable one is the default, and an
// unreadable cursor is ignored.
func (p params) page(size pageSize) storage.Page {
	pg := storage.Page{Limit: size.def}
	if n, err := strconv.Atoi(p.text("limit")); err == nil && n > 0 {
		pg.Limit = min(n, size.max)
	}
	pg.MaxID, _ = p.id("max_id")
	pg.SinceID, _ = p.id("since_id")
	pg.MinID, _ = p.id("min_id")
	return pg
}

// setLink writes the Link header of a non-empty page: next (older, with
// max_id) first, then prev (newer, with min_id), both keeping the
// request's other query parameters (limit, filters) but never a token.
func (h *Handler) setLink(c *gin.Context, next, prev int64) {
	if next == 0 && prev == 0 {
		return
	}
	q := url.Values{}
	for k, v := range c.Request.URL.Query() {
		switch k {
		case "max_id", "min_id", "since_id", "access_token":
			continue
		}
		q[k] = v
	}
	base := h.Instance.BaseURL() + c.Request.URL.Path
	link := func(key string, id int64, rel string) string {
		v := url.Values{}
		for k, vals := range q {
			v[k] = vals
		}
		v.Set(key, strconv.FormatInt(id, 10))
		return "<" + base + "?" + v.Encode() + `>; rel="` + rel + `"`
	}
	c.Header("Link", link("max_id", next, "next")+", "+link("min_id", prev, "prev"))
}
