package oauth

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	oauthcore "github.com/rounds-md/rounds/core/oauth"
	"github.com/rounds-md/rounds/web/httperr"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// tokenResponse is Mastodon's Token entity (docs entities/Token.md), with
// the refresh token RFC 6749 section 5.1 allows.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	Scope        string `json:"scope"`
	CreatedAt    int64  `json:"created_at"`
	RefreshToken string `json:"refresh_token,omitempty"`
}

// token handles POST /oauth/token (RFC 6749 section 3.2; Mastodon
// methods/oauth.md#token): grants authorization_code, client_credentials,
// password and refresh_token; client credentials in the body or by HTTP
// Basic; the body as a form or JSON.
func (h *Handler) token(c *gin.Context) {
	noStore(c)
	p, err := params(c)
	if err != nil {
		oauthError(c, &oauthcore.Error{Code: oauthcore.CodeInvalidRequest, Description: err.Error()})
		return
	}
	id, secret := clientCredentials(c, p)
	issued, err := h.svc.Token(c.Request.Context(), oauthcore.TokenRequest{
		GrantType: p.Get("grant_type"), ClientID: id, ClientSecret: secret,
		Code: p.Get("code"), RedirectURI: p.Get("redirect_uri"), CodeVerifier: p.Get("code_verifier"),
		Scope: p.Get("scope"), Username: p.Get("username"), Password: p.Get("password"),
		RefreshToken: p.Get("refresh_token"), IP: c.ClientIP(),
	})
	if err != nil {
		h.tokenError(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, tokenResponse{
		AccessToken: issued.AccessToken, TokenType: "Bearer", Scope: issued.Scopes.String(),
		CreatedAt: issued.CreatedAt.Unix(), RefreshToken: issued.RefreshToken,
	})
}

// revoke handles POST /oauth/revoke (RFC 7009; Mastodon
// methods/oauth.md#revoke): 200 {} for a revoked, unknown or already
// revoked token; 403 unauthorized_client for another client's token.
func (h *Handler) revoke(c *gin.Context) {
	noStore(c)
	p, err := params(c)
	if err != nil {
		oauthError(c, &oauthcore.Error{Code: oauthcore.CodeInvalidRequest, Description: err.Error()})
		return
	}
	id, secret := clientCredentials(c, p)
	if err := h.svc.Revoke(c.Request.Context(), id, secret, p.Get("token")); err != nil {
		h.tokenError(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, gin.H{})
}

// clientCredentials returns the client ID and secret from HTTP Basic
// (form-encoded inside, RFC 6749 section 2.3.1) or else the body.
func clientCredentials(c *gin.Context, p url.Values) (string, string) {
	if user, pass, ok := c.Request.BasicAuth(); ok {
		id, err1 := url.QueryUnescape(user)
		secret, err2 := url.QueryUnescape(pass)
		if err1 == nil && err2 == nil {
			return id, secret
		}
		return user, pass
	}
	return p.Get("client_id"), p.Get("client_secret")
}

// tokenError answers a failed token or revocation request: the RFC 6749
// error body with its status, 429 with Retry-After for throttled sign-ins.
func (h *Handler) tokenError(c *gin.Context, err error) {
	var oe *oauthcore.Error
	var rl *oauthcore.RateLimitError
	switch {
	case errors.As(err, &oe):
		oauthError(c, oe)
	case errors.As(err, &rl):
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(rl.RetryAfter.Seconds()))))
		jsonbody.Abort(c, http.StatusTooManyRequests, gin.H{"error": "Too many requests", "error_description": rl.Error()})
	default:
		httperr.Abort(c, h.log, err)
	}
}

// oauthError writes {"error": code, "error_description": ...} with the
// status RFC 6749 section 5.2 names for the code.
func oauthError(c *gin.Context, e *oauthcore.Error) {
	status := http.StatusBadRequest
	switch e.Code {
	case oauthcore.CodeInvalidClient:
		status = http.StatusUnauthorized
		c.Header("WWW-Authenticate", `Basic realm="Rounds"`)
	case oauthcore.CodeUnauthorizedClient:
		status = http.StatusForbidden // as Doorkeeper answers a revocation of another client's token
	}
	jsonbody.Abort(c, status, gin.H{"error": e.Code, "error_description": e.Description})
}

// noStore forbids caching a response that carries tokens (RFC 6749 section 5.1).
func noStore(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.Header("Pragma", "no-cache")
}

// serverMetadata is the RFC 8414 authorization server metadata, with
// Mastodon's app_registration_endpoint.
type serverMetadata struct {
	Issuer                            string   `json:"issuer"`
	ServiceDocumentation              string   `json:"service_documentation"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	AppRegistrationEndpoint           string   `json:"app_registration_endpoint"`
	RevocationEndpoint                string   `json:"revocation_endpoint"`
	ScopesSupported                   []string `json:"scopes_supported"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	ResponseModesSupported            []string `json:"response_modes_supported"`
	GrantTypesSupported               []string `json:"grant_types_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported"`
}

// metadata handles GET /.well-known/oauth-authorization-server (RFC 8414;
// Mastodon 4.3+). Phanpy uses PKCE only when S256 is listed here.
func (h *Handler) metadata(c *gin.Context) {
	base := h.inst.BaseURL()
	c.Header("Cache-Control", "public, max-age=3600")
	jsonbody.Write(c, http.StatusOK, serverMetadata{
		Issuer:                            base + "/",
		ServiceDocumentation:              "https://docs.joinmastodon.org/",
		AuthorizationEndpoint:             base + "/oauth/authorize",
		TokenEndpoint:                     base + "/oauth/token",
		AppRegistrationEndpoint:           base + "/api/v1/apps",
		RevocationEndpoint:                base + "/oauth/revoke",
		ScopesSupported:                   oauthcore.Supported(),
		ResponseTypesSupported:            []string{"code"},
		ResponseModesSupported:            []string{"query"},
		GrantTypesSupported:               h.svc.GrantTypes(),
		TokenEndpointAuthMethodsSupported: []string{"client_secret_basic", "client_secret_post"},
		CodeChallengeMethodsSupported:     []string{oauthcore.PKCES256, oauthcore.PKCEPlain},
	})
}
