package mastodon

import (
	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/app"
)

// Handler serves the Mastodon client API over the core services.
type Handler struct {
	// Services are the core services, built once (core/app): the store,
	// the instance, media, polls, scheduled statuses, remote profiles and
	// the rest are read from them.
	*app.Services
	social *social
	// pro serves the professional profile, directory and personas
	// (routes_rounds.go).
	pro *professional
	// creds keeps rendered CredentialAccounts for verify_credentials.
	creds *credentialCache
	// accountViews keeps the Accounts rendered inside statuses
	// (account_cache.go).
	accountViews *accountCache
	// missing are the default images' URLs, built once (entity_account.go).
	missing missingImages
}

// New returns a Handler over svc.
func New(svc *app.Services) *Handler {
	return &Handler{
		Services: svc, social: newSocial(svc), pro: newProfessional(svc), creds: newCredentialCache(svc.Store),
		accountViews: newAccountCache(), missing: newMissingImages(svc.Instance),
	}
}

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
	p1Routes(r, h)     // lists, tags, filters, markers, instance extras
	actionRoutes(r, h) // favourites, boosts, bookmarks, pins, mutes, edits
	roundsRoutes(r, h) // professional profiles, directory, personas, update_credentials
	moreRoutes(r, h)   // polls, scheduled statuses, search, conversations, mutes, notes
	reportRoutes(r, h) // POST /api/v1/reports
}
