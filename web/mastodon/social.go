package mastodon

import (
	"context"
	"embed"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/app"
	"github.com/rounds-md/rounds/core/follow"
	"github.com/rounds-md/rounds/core/notify"
	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/httperr"
	"github.com/rounds-md/rounds/web/jsonbody"
	"github.com/rounds-md/rounds/web/oauth"
)

// social are the core services behind the statuses, accounts, timelines,
// follows and notifications endpoints, taken from the one graph
// (core/app).
type social struct {
	profiles      *profile.Service
	timelines     *timeline.Service
	posts         *post.Service
	follows       *follow.Service
	notifications *notify.Service
}

func newSocial(svc *app.Services) *social {
	return &social{
		profiles:      svc.Profiles,
		timelines:     svc.Timelines,
		posts:         svc.Posts,
		follows:       svc.Follows,
		notifications: svc.Notifications,
	}
}

//go:embed static/avatar-missing.png static/header-missing.png
var defaultImages embed.FS

// missingImage serves an embedded default avatar or header.
func missingImage(name string) gin.HandlerFunc {
	b, err := defaultImages.ReadFile("static/" + name)
	if err != nil {
		panic(err) // the embed directive guarantees the file
	}
	return func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=86400")
		c.Data(http.StatusOK, "image/png", b)
	}
}

// viewer is the signed-in account of the request, nil when anonymous or
// app-only.
func viewer(c *gin.Context) *storage.Account {
	if a := oauth.FromContext(c); a != nil {
		return a.Account
	}
	return nil
}

// optional lets anonymous requests through and holds a token, when there
// is one, to scope (Mastodon's public endpoints).
func optional(scope string) gin.HandlerFunc {
	req := oauth.Require(scope)
	return func(c *gin.Context) {
		if oauth.FromContext(c) == nil {
			c.Next()
			return
		}
		req(c)
	}
}

// bindOr binds the request, ending it with 400 when the body is unreadable.
func (h *Handler) bindOr(c *gin.Context) (params, bool) {
	p, err := bind(c)
	if err != nil {
		httperr.AbortMessage(c, http.StatusBadRequest, err.Error())
		return nil, false
	}
	return p, true
}

// pathID reads the :name path parameter as an ID, ending the request with
// 404 when it cannot name anything.
func pathID(c *gin.Context, name string) (int64, bool) {
	id, ok := parseID(c.Param(name))
	if !ok {
		httperr.AbortMessage(c, http.StatusNotFound, "Record not found")
	}
	return id, ok
}

// emptyByID answers a request that acts on the viewer's :id and returns
// Mastodon's empty object: the ID parsed (404 when malformed), act run,
// {} or act's error.
func (h *Handler) emptyByID(c *gin.Context, act func(ctx context.Context, viewer *storage.Account, id int64) error) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	if err := act(c.Request.Context(), viewer(c), id); err != nil {
		h.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, gin.H{})
}

// fail ends the request for err.
func (h *Handler) fail(c *gin.Context, err error) { httperr.Abort(c, h.Log, err) }

// customEmojis serves GET /api/v1/custom_emojis (methods/custom_emojis):
// Rounds has none.
func (h *Handler) customEmojis(c *gin.Context) { jsonbody.Write(c, http.StatusOK, []CustomEmoji{}) }
