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
	osvc := oauth.New(deps.Store, cfg.Instance, cfg.OAuth, deps.Log)
	if deps.Accounts != nil {
		// A suspension must stop the account's tokens at once, cached or not.
		deps.Accounts.OnSuspend(osvc.ForgetGrants)
	}
	oauthweb.Mount(r, osvc, cfg.Instance, deps.Log, limiter.Middleware())
	// The browser session of the OAuth pages, shared with the HTML pages.
	browser := oauthweb.NewBrowser(osvc, cfg.Instance, deps.Log)
	oauthweb.BrowserRoutes(r, browser)

	h := &health{store: deps.Store, log: deps.Log}
	r.GET("/healthz", h.live)
	r.GET("/readyz", h.ready)
	r.GET("/metrics", metricsHandler(reg, cfg.MetricsToken))

	// Asking other Rounds instances for profiles as a viewer: one table of
	// per-viewer counts for the API and the pages.
	remote := remoteProfiles(cfg, deps)
	pg := pages.New(cfg.Instance, deps.Accounts, deps.Log).WithProfessional(professionalPages(cfg, deps, browser, remote))
	pages.Routes(r, pg)
	discovery.Routes(r, discovery.New(cfg.Instance, deps.Accounts, deps.Store, deps.Log))
	activitypub.Routes(r, activitypub.New(cfg.Instance, deps.Accounts, deps.Federation, deps.Log), pg.Profile)
	mastodon.Routes(r, mastodon.New(mastodon.Deps{
		Instance: cfg.Instance, Store: deps.Store, Accounts: deps.Accounts, Media: deps.Media, Log: deps.Log,
		Publisher: deps.Federation, Resolver: deps.Federation, URIs: deps.Federation, Polls: deps.Polls, Scheduled: deps.Scheduled,
		RemoteProfiles: remote,
	}))
	mediafile.Routes(r, mediafile.New(deps.Media, deps.Log))
}
