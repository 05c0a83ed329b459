package mastodon

import (
	"log/slog"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/storage"
)

// Deps are what the Mastodon API handlers use.
type Deps struct {
	Instance instance.Config
	Store    *storage.Store
	Accounts *account.Service
	// Media stores and processes uploads (core/media).
	Media *media.Service
	Log   *slog.Logger
}

// Handler serves the Mastodon client API.
type Handler struct {
	Deps
	social *social
}

// New returns a Handler over deps.
func New(deps Deps) *Handler { return &Handler{Deps: deps, social: newSocial(deps)} }

// Routes mounts the Mastodon client API on r: one line per route, grouped
// by resource. Mastodon clients call some paths with a trailing slash, so
// those are mounted both ways.
func Routes(r gin.IRouter, h *Handler) {
	// Instance (methods/instance): anonymous.
	r.GET("/api/v1/instance", h.instanceV1)
	r.GET("/api/v1/instance/", h.instanceV1)
	r.GET("/api/v2/instance", h.instanceV2)
	r.GET("/api/v2/instance/", h.instanceV2)

	socialRoutes(r, h)
	mediaRoutes(r, h)
}
