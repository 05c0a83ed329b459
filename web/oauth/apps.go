package oauth

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	oauthcore "github.com/rounds-md/rounds/core/oauth"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/httperr"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// application is Mastodon's Application entity (docs entities/Application.md,
// 4.3): what GET /api/v1/apps/verify_credentials returns.
type application struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Website      *string  `json:"website"`
	Scopes       []string `json:"scopes"`
	RedirectURI  string   `json:"redirect_uri"`
	RedirectURIs []string `json:"redirect_uris"`
	// VapidKey is deprecated since 4.3 but still read by Elk; Rounds has no
	// Web Push key yet, so it is "".
	VapidKey string `json:"vapid_key"`
}

// credentialApplication is the CredentialApplication entity: the
// Application with its client credentials, returned once by POST /api/v1/apps.
type credentialApplication struct {
	application
	ClientID              string `json:"client_id"`
	ClientSecret          string `json:"client_secret"`
	ClientSecretExpiresAt int64  `json:"client_secret_expires_at"`
}

// newApplication renders an app as the Application entity.
func newApplication(a *storage.OAuthApp) application {
	out := application{
		ID: strconv.FormatInt(a.ID, 10), Name: a.Name,
		Scopes:       oauthcore.AppScopes(a),
		RedirectURIs: oauthcore.AppRedirectURIs(a),
		RedirectURI:  a.RedirectURIs,
	}
	if out.Scopes == nil {
		out.Scopes = []string{}
	}
	if a.Website != "" {
		w := a.Website
		out.Website = &w
	}
	return out
}

// createApp handles POST /api/v1/apps (Mastodon methods/apps.md#create):
// client_name, redirect_uris (a whitespace-separated string or an array),
// scopes (default read) and website, as JSON, a form or multipart.
func (h *Handler) createApp(c *gin.Context) {
	p, err := params(c)
	if err != nil {
		httperr.AbortMessage(c, http.StatusBadRequest, err.Error())
		return
	}
	app, secret, err := h.svc.RegisterApp(c.Request.Context(), oauthcore.NewApp{
		Name: p.Get("client_name"), Website: p.Get("website"),
		RedirectURIs: p["redirect_uris"], Scopes: strings.Join(p["scopes"], " "),
	})
	if err != nil {
		httperr.Abort(c, h.log, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, credentialApplication{
		application: newApplication(app), ClientID: app.ClientID, ClientSecret: secret,
	})
}

// verifyApp handles GET /api/v1/apps/verify_credentials (Mastodon
// methods/apps.md#verify_credentials): the token's app, without secrets.
// Any valid token, app-only or a user's, will do.
func (h *Handler) verifyApp(c *gin.Context) {
	a := FromContext(c)
	if a == nil {
		httperr.AbortMessage(c, http.StatusUnauthorized, MsgInvalidToken)
		return
	}
	jsonbody.Write(c, http.StatusOK, newApplication(a.App))
}
