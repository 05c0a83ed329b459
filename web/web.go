package web

import (
	"fmt"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/rounds-md/rounds/core/app"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/oauth"
	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/web/httperr"
	"github.com/rounds-md/rounds/web/ratelimit"
)

// Config holds the web edge's settings.
type Config struct {
	// Instance is what this instance is; URLs in responses come from it.
	Instance instance.Config
	// MetricsToken, when set, must be sent as "Authorization: Bearer ..."
	// to read /metrics. Empty leaves /metrics open (bind it privately).
	MetricsToken string
	// TrustedProxies are the IPs or CIDRs of reverse proxies whose
	// X-Forwarded-For header names the client (for rate limits and logs).
	// Empty trusts none: the client is the peer address.
	TrustedProxies []string
	// OAuth configures the authorization server (oauth.DefaultConfig()
	// for the defaults; the zero value has the password grant off).
	OAuth oauth.Config
	// RateLimit configures the API rate limits (ratelimit.DefaultConfig()
	// for Mastodon's; the zero value is off).
	RateLimit ratelimit.Config
}

// Deps are the services the handlers call.
type Deps struct {
	// Services are the core services, built once (core/app); the
	// handlers build none of their own.
	Services *app.Services
	// Federation receives activities and serves objects; it is the
	// Services' publisher and resolver (federation.New made it so).
	// Required.
	Federation *federation.Federator
}

// New builds the HTTP handler for the whole instance: every route, with
// logging, metrics, recovery and CORS.
func New(cfg Config, deps Deps) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.RedirectTrailingSlash = false
	// cleanPath has cleaned the path before gin sees it.
	r.RemoveExtraSlash = false
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	// Checked by cmd/rounds, so an error here cannot happen for a valid Config.
	if err := r.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		panic(fmt.Sprintf("web: trusted proxies: %v", err))
	}

	reg := prometheus.NewRegistry()
	m := newMetrics(reg, deps.Services.Store)

	r.Use(recovery(deps.Services.Log), m.middleware(), requestLog(deps.Services.Log), cors())
	r.NoRoute(func(c *gin.Context) { httperr.AbortMessage(c, http.StatusNotFound, "Not found") })
	r.NoMethod(func(c *gin.Context) { httperr.AbortMessage(c, http.StatusMethodNotAllowed, "Method not allowed") })

	// The limiter's counts live as long as this handler (one per process).
	limiter := ratelimit.New(cfg.RateLimit)
	routes(r, cfg, deps, reg, limiter)
	return cleanPath(r)
}

// cleanPath serves each request under its cleaned path: repeated slashes
// collapsed, "." and ".." segments resolved, a trailing slash kept. Every
// middleware then sees the path the route was found by. Had only the
// router cleaned it, "//api/v1/..." would reach an API route while the
// token, rate-limit and CORS middleware, which match "/api/" on the path
// as sent, passed it by (a client whose base URL ends in "/" sends such
// paths).
func cleanPath(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if !unclean(p) {
			next.ServeHTTP(w, r)
			return
		}
		clean := path.Clean("/" + p)
		if strings.HasSuffix(p, "/") && clean != "/" {
			clean += "/"
		}
		u := *r.URL
		u.Path, u.RawPath = clean, ""
		r2 := r.WithContext(r.Context())
		r2.URL = &u
		next.ServeHTTP(w, r2)
	})
}

// unclean reports whether p has an empty, "." or ".." segment.
func unclean(p string) bool {
	return strings.Contains(p, "//") || strings.Contains(p, "/./") || strings.Contains(p, "/../") ||
		strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..")
}

// corsPrefixes are the paths browser clients (Elk, Phanpy) call across
// origins, as Mastodon opens them.
var corsPrefixes = []string{"/api/", "/oauth/token", "/oauth/revoke", "/.well-known/", "/nodeinfo/"}

// cors answers cross-origin requests on the API paths with "*" and no
// credentials, and exposes the headers clients page and throttle by.
func cors() gin.HandlerFunc {
	// The two headers every API answer carries, built once: assigning a
	// slice saves Header.Set's allocation per request. Nothing changes a
	// header value in place; Header.Add would copy the slice (cap 1).
	allowOrigin := []string{"*"}
	expose := []string{"Link, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-Request-Id, Idempotency-Key"}
	return func(c *gin.Context) {
		path := c.Request.URL.Path
		open := false
		for _, p := range corsPrefixes {
			if strings.HasPrefix(path, p) {
				open = true
				break
			}
		}
		if !open {
			c.Next()
			return
		}
		h := c.Writer.Header()
		h["Access-Control-Allow-Origin"] = allowOrigin
		h["Access-Control-Expose-Headers"] = expose
		if c.Request.Method == http.MethodOptions && c.GetHeader("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")
			if req := c.GetHeader("Access-Control-Request-Headers"); req != "" {
				h.Set("Access-Control-Allow-Headers", req)
			}
			h.Set("Access-Control-Max-Age", "7200")
			c.AbortWithStatus(http.StatusNoContent)
			return
		}
		c.Next()
	}
}
