package oauth

import (
	"log/slog"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/instance"
	oauthcore "github.com/rounds-md/rounds/core/oauth"
)

// APIPrefix is where Authenticate resolves bearer tokens: every Mastodon
// API path. Elsewhere an Authorization header is not an OAuth token (the
// /metrics token, HTTP signatures).
const APIPrefix = "/api/"

// Mount installs the bearer-token middleware for every path under
// APIPrefix, then the middleware in after (which may use FromContext: the
// rate limiter), and the OAuth routes. Call it before other API routes are
// registered: gin applies middleware only to routes added after it.
func Mount(r *gin.Engine, svc *oauthcore.Service, inst instance.Config, log *slog.Logger, after ...gin.HandlerFunc) {
	authn := NewMiddleware(svc, log).Authenticate()
	r.Use(func(c *gin.Context) {
		if strings.HasPrefix(c.Request.URL.Path, APIPrefix) {
			authn(c)
		}
	})
	r.Use(after...)
	Routes(r, NewHandler(svc, inst, log))
}

// Routes mounts the OAuth endpoints on r.
func Routes(r gin.IRouter, h *Handler) {
	r.POST("/api/v1/apps", h.createApp)
	r.GET("/api/v1/apps/verify_credentials", h.verifyApp)

	// toot opens /oauth/authorize/ with a trailing slash.
	for _, p := range []string{"/oauth/authorize", "/oauth/authorize/"} {
		r.GET(p, h.authorize)
		r.POST(p, h.decide)
	}
	r.GET("/oauth/authorize/native", h.native)
	r.POST("/oauth/sign_in", h.signIn)

	for _, p := range []string{"/oauth/token", "/oauth/token/"} {
		r.POST(p, h.token)
	}
	r.POST("/oauth/revoke", h.revoke)
	r.GET("/.well-known/oauth-authorization-server", h.metadata)
}
