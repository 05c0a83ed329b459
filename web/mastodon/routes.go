package mastodon

import (
	"log/slog"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/core/poll"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/schedule"
	"github.com/rounds-md/rounds/core/search"
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
	// Publisher tells other servers what local people do (federation);
	// nil publishes nothing.
	Publisher outbox.Publisher
	// Resolver finds remote accounts by user@domain (federation); nil
	// finds known ones only.
	Resolver profile.AcctResolver
	// URIs finds remote accounts by actor or profile URL for search
	// (federation); nil finds known ones only.
	URIs search.URIResolver
	// Polls and Scheduled run polls and scheduled statuses (their jobs
	// are registered with the queue); nil refuses them with 422.
	Polls     *poll.Service
	Scheduled *schedule.Service
	// RemoteProfiles asks another Rounds instance for what it shows the
	// viewer of a remote professional profile
	// (GET /api/v1/rounds/accounts/:id/profile); nil refuses it.
	RemoteProfiles *credential.RemoteViews
}

// Handler serves the Mastodon client API.
type Handler struct {
	Deps
	social *social
	// pro serves the professional profile, directory and personas
	// (routes_rounds.go).
	pro *professional
	// creds keeps rendered CredentialAccounts for verify_credentials.
	creds *credentialCache
}

// New returns a Handler over deps.
func New(deps Deps) *Handler {
	h := &Handler{Deps: deps, social: newSocial(deps), creds: newCredentialCache(deps.Store)}
	h.pro = newProfessional(deps, h.social.profiles)
	return h
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
