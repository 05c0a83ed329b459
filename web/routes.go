package web

import (
	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/rounds-md/rounds/core/oauth"
	"github.com/rounds-md/rounds/web/activitypub"
	"github.com/rounds-md/rounds/web/discovery"
	"github.com/rounds-md/rounds/web/mastodon"
	"github.com/rounds-md/rounds/web/mediafile"
	oauthweb "github.com/rounds-md/rounds/web/oauth"
	"github.com/rounds-md/rounds/web/pages"
	"github.com/rounds-md/rounds/web/ratelimit"
)

// routes is the route table: the operational endpoints here, and each
// subpackage's table (web/mastodon, web/oauth, web/pages, ...) mounted in
// turn. A subpackage's routes.go lists its own routes, so that every route
// can be found from this file in one step.
func routes(r *gin.Engine, cfg Config, deps Deps, reg *prometheus.Registry, limiter *ratelimit.Limiter) {
	// First: it installs the bearer-token middleware, then the rate limiter
	// (which counts per token), for the /api/ routes below.
	svc := deps.Services
	osvc := oauth.New(svc.Store, cfg.Instance, cfg.OAuth, svc.Log)
	// A suspension must stop the account's tokens at once, cached or not.
	svc.Accounts.OnSuspend(osvc.ForgetGrants)
	oauthweb.Mount(r, osvc, cfg.Instance, svc.Log, limiter.Middleware())
	// The browser session of the OAuth pages, shared with the HTML pages.
	browser := oauthweb.NewBrowser(osvc, cfg.Instance, svc.Log)
	oauthweb.BrowserRoutes(r, browser)

	h := &health{store: svc.Store, log: svc.Log}
	r.GET("/healthz", h.live)
	r.GET("/readyz", h.ready)
	r.GET("/metrics", metricsHandler(reg, cfg.MetricsToken))

	pg := pages.New(cfg.Instance, svc.Accounts, svc.Log).
		WithProfessional(professionalPages(svc, browser)).
		WithStatuses(pages.Statuses{Timelines: svc.Timelines, Tags: svc.Tags, Media: svc.Media})
	pages.Routes(r, pg)
	discovery.Routes(r, discovery.New(cfg.Instance, svc.Accounts, svc.Store, svc.Log))
	// /users/{username} and /@{username}/{id} answer ActivityStreams or
	// the HTML page by the Accept header.
	activitypub.Routes(r, activitypub.New(cfg.Instance, svc.Accounts, deps.Federation, svc.Log), pg.Profile, pg.Status)
	mastodon.Routes(r, mastodon.New(svc))
	mediafile.Routes(r, mediafile.New(svc.Media, svc.Log))
}
