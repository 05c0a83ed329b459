package oauth

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	oauthcore "github.com/rounds-md/rounds/core/oauth"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/httperr"
)

// The messages Mastodon sends when a token is missing, wrong or too weak.
const (
	MsgInvalidToken  = "The access token is invalid"
	MsgOutsideScopes = "This action is outside the authorized scopes"
	MsgUserRequired  = "This method requires an authenticated user"
)

// authKey is the gin context key under which Authenticate stores *Auth.
const authKey = "rounds.oauth.auth"

// Auth is what a valid bearer token grants.
type Auth struct {
	// TokenID is the access token's row ID.
	TokenID int64
	// App is the client application the token was issued to.
	App *storage.OAuthApp
	// Scopes are the granted scopes, as the client asked for them.
	Scopes oauthcore.Scopes
	// User is the signed-in user; nil for app-only (client_credentials) tokens.
	User *storage.User
	// Account is the local account acting; nil for app-only tokens.
	Account *storage.Account
}

// Middleware resolves bearer tokens for the API routes.
type Middleware struct {
	svc *oauthcore.Service
	log *slog.Logger
	// noStore is the Cache-Control value of every authenticated answer,
	// built once (assigning it saves Header.Set's allocation; nothing
	// changes header values in place).
	noStore []string
}

// NewMiddleware returns the bearer-token middleware over an OAuth service.
func NewMiddleware(svc *oauthcore.Service, log *slog.Logger) *Middleware {
	return &Middleware{svc: svc, log: log, noStore: []string{"private, no-store"}}
}

// Authenticate resolves "Authorization: Bearer <token>" (or, failing that,
// an access_token query parameter, as Doorkeeper and the streaming API
// accept) and stores the result for FromContext. A request without a token
// goes on anonymously. An unknown or revoked token, or a suspended
// account's, grants nothing: the request goes on as anonymous, so public
// documents such as /api/v1/instance still answer a client holding a stale
// token (as Mastodon's do), and every route that needs a token (Require,
// RequireUser) ends it with 401 {"error":"The access token is invalid"}.
func (m *Middleware) Authenticate() gin.HandlerFunc {
	return func(c *gin.Context) {
		token, present := bearerToken(c.Request)
		if !present {
			c.Next()
			return
		}
		g, err := m.svc.Authenticate(c.Request.Context(), token)
		if err != nil {
			if errors.Is(err, core.ErrUnauthorized) {
				c.Header("WWW-Authenticate", `Bearer realm="Rounds", error="invalid_token", error_description="The access token is invalid"`)
				c.Next()
				return
			}
			httperr.Abort(c, m.log, err)
			return
		}
		c.Set(authKey, &Auth{TokenID: g.Token.ID, App: g.App, Scopes: g.Scopes, User: g.User, Account: g.Account})
		// What a token sees (followers-only posts, narrower profile fields)
		// is for its holder alone: no cache may keep it. A handler whose
		// answer is the same for everyone may say otherwise.
		c.Writer.Header()["Cache-Control"] = m.noStore
		c.Next()
	}
}

// bearerToken returns the token a request carries and whether it carries
// one at all (an "Authorization: Bearer" header with nothing after it
// counts as a wrong token, not as none).
func bearerToken(r *http.Request) (string, bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, rest, _ := strings.Cut(h, " ")
		if strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(rest), true
		}
		return "", false // another scheme (Basic, Signature) is not ours to judge
	}
	if t := r.URL.Query().Get("access_token"); t != "" {
		return t, true
	}
	return "", false
}

// FromContext returns what the request's token grants, nil when the
// request is anonymous.
func FromContext(c *gin.Context) *Auth {
	v, ok := c.Get(authKey)
	if !ok {
		return nil
	}
	a, _ := v.(*Auth)
	return a
}

// Require lets the request through only with a token granting scope
// (directly or through a broader scope: read grants read:statuses):
// 401 {"error":"The access token is invalid"} without a token, 403
// {"error":"This action is outside the authorized scopes"} when the token
// lacks the scope. App-only tokens pass.
func Require(scope string) gin.HandlerFunc {
	return RequireAny(scope)
}

// RequireAny is Require for routes that accept any of several scopes, as
// Mastodon's verify_credentials accepts read:accounts or profile.
func RequireAny(scopes ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !checkScopes(c, scopes) {
			return
		}
		c.Next()
	}
}

// RequireUser is Require for routes that act as a user: it also ends
// app-only tokens with 422 {"error":"This method requires an authenticated
// user"}.
func RequireUser(scope string) gin.HandlerFunc {
	return RequireUserAny(scope)
}

// RequireUserAny is RequireUser accepting any of several scopes.
func RequireUserAny(scopes ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !checkScopes(c, scopes) {
			return
		}
		if FromContext(c).User == nil {
			httperr.AbortMessage(c, http.StatusUnprocessableEntity, MsgUserRequired)
			return
		}
		c.Next()
	}
}

// checkScopes aborts the request unless its token grants one of scopes,
// reporting whether it may go on.
func checkScopes(c *gin.Context, scopes []string) bool {
	a := FromContext(c)
	if a == nil {
		httperr.AbortMessage(c, http.StatusUnauthorized, MsgInvalidToken)
		return false
	}
	if !a.Scopes.HasAny(scopes...) {
		httperr.AbortMessage(c, http.StatusForbidden, MsgOutsideScopes)
		return false
	}
	return true
}
