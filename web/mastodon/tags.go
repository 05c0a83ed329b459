package mastodon

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/tag"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// followedTagPage is GET /api/v1/followed_tags' limit: 100, at most 200.
var followedTagPage = pageSize{100, 200}

// getTag serves GET /api/v1/tags/:name (methods/tags#get): the tag with
// its history, and whether the viewer follows it; any token or none.
func (x *p1) getTag(c *gin.Context) {
	me := viewer(c)
	t, err := x.tags.Get(c.Request.Context(), me, c.Param("name"))
	if err != nil {
		x.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, x.hashtag(*t, me != nil))
}

// followTag serves POST /api/v1/tags/:name/follow (methods/tags#follow).
func (x *p1) followTag(c *gin.Context) {
	x.tagAction(c, x.tags.Follow)
}

// unfollowTag serves POST /api/v1/tags/:name/unfollow
// (methods/tags#unfollow).
func (x *p1) unfollowTag(c *gin.Context) {
	x.tagAction(c, x.tags.Unfollow)
}

func (x *p1) tagAction(c *gin.Context, act func(context.Context, *storage.Account, string) (*tag.Tag, error)) {
	t, err := act(c.Request.Context(), viewer(c), c.Param("name"))
	if err != nil {
		x.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, x.hashtag(*t, true))
}

// followedTags serves GET /api/v1/followed_tags (methods/followed_tags),
// paged by follow (limit 100, at most 200).
func (x *p1) followedTags(c *gin.Context) {
	p, ok := x.bindOr(c)
	if !ok {
		return
	}
	fs, err := x.tags.Followed(c.Request.Context(), viewer(c), p.page(followedTagPage))
	if err != nil {
		x.fail(c, err)
		return
	}
	out := make([]Hashtag, len(fs))
	for i, f := range fs {
		out[i] = x.hashtag(f.Tag, true)
	}
	if len(fs) > 0 {
		x.setLink(c, fs[len(fs)-1].Cursor, fs[0].Cursor)
	}
	jsonbody.Write(c, http.StatusOK, out)
}

// tagTimeline serves GET /api/v1/timelines/tag/:hashtag
// (methods/timelines#tag): public statuses with the tag; any[], all[],
// none[], local, remote, only_media.
func (x *p1) tagTimeline(c *gin.Context) {
	p, ok := x.bindOr(c)
	if !ok {
		return
	}
	f := tag.TimelineFilter{Any: p.list("any"), All: p.list("all"), None: p.list("none")}
	var err error
	for _, b := range []struct {
		key string
		dst *bool
	}{{"local", &f.LocalOnly}, {"remote", &f.RemoteOnly}, {"only_media", &f.OnlyMedia}} {
		if *b.dst, err = p.flag(b.key); err != nil {
			x.fail(c, err)
			return
		}
	}
	me := viewer(c)
	res, err := x.tags.Timeline(c.Request.Context(), me, c.Param("hashtag"), f, p.page(statusPage))
	if err != nil {
		x.fail(c, err)
		return
	}
	if len(res.Statuses) > 0 {
		x.setLink(c, res.Next, res.Prev)
	}
	out, ok := x.statusesFor(c, res.Statuses)
	if !ok {
		return
	}
	jsonbody.Write(c, http.StatusOK, out)
}
