package mastodon

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/core/app"
	"github.com/rounds-md/rounds/core/credential"
	oauthcore "github.com/rounds-md/rounds/core/oauth"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/web/jsonbody"
	"github.com/rounds-md/rounds/web/oauth"
)

// professional are the core services behind the professional profile,
// the directories, personas and update_credentials.
type professional struct {
	credentials *credential.Service
	editor      *profile.Editor
	accounts    *account.Service
}

func newProfessional(svc *app.Services) *professional {
	return &professional{
		credentials: svc.Credentials,
		editor:      svc.ProfileEditor,
		accounts:    svc.Accounts,
	}
}

// roundsRoutes mounts Rounds' own API (/api/v1/rounds/...) and the
// Mastodon endpoints that edit or list profiles.
func roundsRoutes(r gin.IRouter, h *Handler) {
	get := func(path string, hs ...gin.HandlerFunc) {
		r.GET(path, hs...)
		r.GET(path+"/", hs...)
	}
	user := oauth.RequireUser

	// Profile editing and the directory (methods/accounts#update_credentials,
	// methods/directory).
	r.PATCH("/api/v1/accounts/update_credentials", user("write:accounts"), h.updateCredentials)
	get("/api/v1/directory", optional("read:accounts"), h.directory)

	// The professional profile (Rounds).
	get("/api/v1/rounds/profile", user("read:accounts"), h.ownProfile)
	r.PATCH("/api/v1/rounds/profile", user("write:accounts"), h.editProfile)
	get("/api/v1/rounds/vocabulary", h.vocabulary)
	get("/api/v1/rounds/directory", optional("read:accounts"), h.roundsDirectory)
	// Asks the account's own Rounds instance, signed as the viewer, for
	// the fields it shows them: an explicit action (rounds_remote.go).
	get("/api/v1/rounds/accounts/:id/profile", user("read:accounts"), h.remoteProfile)

	// Personas: only with the rounds:personas scope, which read and write
	// do not imply, so that an app authorized for one persona does not
	// learn the others.
	get("/api/v1/rounds/personas", user(oauthcore.ScopePersonas), h.listPersonas)
	r.POST("/api/v1/rounds/personas", user(oauthcore.ScopePersonas), h.createPersona)
}

// renderAccountFor answers with an account as the request's viewer may
// see it.
func (h *Handler) renderAccountFor(c *gin.Context, a profile.Account) {
	out, err := h.accountFor(c, a)
	if err != nil {
		h.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, out)
}

// sourceFields are the owner's own fields as typed, for
// CredentialAccount.source.
func sourceFields(a profile.Account) []SourceField {
	out := []SourceField{}
	for _, f := range a.Extras.Fields() {
		out = append(out, SourceField{Name: f.Name, Value: f.Value})
	}
	return out
}

// subKeys returns the sub-keys of a nested parameter: for
// "audiences[training]=followers", subKeys(p, "audiences") maps training
// to followers.
func subKeys(p params, key string) map[string]string {
	out := map[string]string{}
	prefix := key + "["
	for k, v := range p {
		if strings.HasPrefix(k, prefix) && strings.HasSuffix(k, "]") && len(v) > 0 {
			out[strings.TrimSuffix(strings.TrimPrefix(k, prefix), "]")] = strings.TrimSpace(v[0])
		}
	}
	return out
}
