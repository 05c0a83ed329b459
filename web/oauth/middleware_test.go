package oauth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/gin-gonic/gin"

	oauthcore "github.com/rounds-md/rounds/core/oauth"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	oauthweb "github.com/rounds-md/rounds/web/oauth"
	"github.com/rounds-md/rounds/web/webtest"
)

// scopedEngine is a small API over the server's database with routes
// guarded as the Mastodon handlers guard theirs.
func scopedEngine(t *testing.T, srv *webtest.Server) *client {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	svc := oauthcore.New(srv.Store, srv.Instance, oauthcore.DefaultConfig(), srv.Log)
	srv.Accounts.OnSuspend(svc.ForgetGrants) // as web.New wires its own
	r.Use(oauthweb.NewMiddleware(svc, srv.Log).Authenticate())
	whoami := func(c *gin.Context) {
		a := oauthweb.FromContext(c)
		out := gin.H{"anonymous": a == nil}
		if a != nil {
			out["scopes"] = a.Scopes.String()
			out["app"] = a.App.Name
			if a.Account != nil {
				out["account"] = a.Account.Username
			}
		}
		c.JSON(http.StatusOK, out)
	}
	r.GET("/api/open", whoami)
	r.POST("/api/statuses", oauthweb.Require("write:statuses"), whoami)
	r.GET("/api/timeline", oauthweb.RequireUser("read:statuses"), whoami)
	r.GET("/api/me", oauthweb.RequireUserAny("read:accounts", "profile"), whoami)
	r.GET("/api/relationships", oauthweb.RequireUser("read:follows"), whoami)
	hs := httptest.NewServer(r)
	t.Cleanup(hs.Close)
	return &client{t: t, base: hs.URL, http: hs.Client()}
}

func TestMiddleware(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		srv.CreateAccount(t, "kim")
		a := registerApp(t, srv, "read write follow push profile", oauthcore.OOB)
		tokenFor := func(scope string) string { return a.passwordToken(t, srv, "kim", scope)["access_token"].(string) }
		read, write, follow, profile := tokenFor("read"), tokenFor("write"), tokenFor("follow"), tokenFor("profile")
		cc := a.token(t, srv, url.Values{"grant_type": {"client_credentials"}, "scope": {"read write"}}).JSON(t)["access_token"].(string)
		revoked := tokenFor("read write")
		if r := newAPI(t, srv).postForm("/oauth/revoke", url.Values{"client_id": {a.ID}, "client_secret": {a.Secret}, "token": {revoked}}, nil); r.Status != 200 {
			t.Fatal(r.Status)
		}
		api := scopedEngine(t, srv)

		for _, tc := range []struct {
			name   string
			method string
			path   string
			header map[string]string
			status int
			error  string
		}{
			{"anonymous open route", "GET", "/api/open", nil, 200, ""},
			{"anonymous scoped route", "POST", "/api/statuses", nil, 401, "The access token is invalid"},
			// A bad token grants nothing: open routes answer as to anyone,
			// routes that need a token refuse it.
			{"unknown token on open route", "GET", "/api/open", bearer("made-up"), 200, ""},
			{"unknown token", "GET", "/api/timeline", bearer("made-up"), 401, "The access token is invalid"},
			{"empty bearer", "GET", "/api/timeline", map[string]string{"Authorization": "Bearer "}, 401, "The access token is invalid"},
			{"revoked token on open route", "GET", "/api/open", bearer(revoked), 200, ""},
			{"revoked token", "POST", "/api/statuses", bearer(revoked), 401, "The access token is invalid"},
			{"other scheme is not ours", "GET", "/api/open", map[string]string{"Authorization": "Basic eDp5"}, 200, ""},
			{"read token writes", "POST", "/api/statuses", bearer(read), 403, "This action is outside the authorized scopes"},
			{"write token writes", "POST", "/api/statuses", bearer(write), 200, ""},
			{"read token reads", "GET", "/api/timeline", bearer(read), 200, ""},
			{"write token reads", "GET", "/api/timeline", bearer(write), 403, "This action is outside the authorized scopes"},
			{"follow grants read:follows", "GET", "/api/relationships", bearer(follow), 200, ""},
			{"follow does not grant read:statuses", "GET", "/api/timeline", bearer(follow), 403, "This action is outside the authorized scopes"},
			{"profile on me", "GET", "/api/me", bearer(profile), 200, ""},
			{"read on me", "GET", "/api/me", bearer(read), 200, ""},
			{"app token writes", "POST", "/api/statuses", bearer(cc), 200, ""},
			{"app token on user route", "GET", "/api/timeline", bearer(cc), 422, "This method requires an authenticated user"},
			{"access_token parameter", "GET", "/api/timeline?access_token=" + url.QueryEscape(read), nil, 200, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := api.do(tc.method, tc.path, "", nil, tc.header)
				if res.Status != tc.status {
					t.Fatalf("%d %s, want %d", res.Status, res.Body, tc.status)
				}
				if tc.error != "" && res.JSON(t)["error"] != tc.error {
					t.Errorf("error = %v, want %q", res.JSON(t)["error"], tc.error)
				}
			})
		}
		if cc := api.get("/api/timeline", bearer(read)).Header.Get("Cache-Control"); cc != "private, no-store" {
			t.Errorf("an authenticated answer has Cache-Control %q, want private, no-store", cc)
		}
		if cc := api.get("/api/open", nil).Header.Get("Cache-Control"); cc == "private, no-store" {
			t.Errorf("an anonymous answer is marked private")
		}
		me := api.get("/api/timeline", bearer(read)).JSON(t)
		if me["account"] != "kim" || me["scopes"] != "read" || me["app"] != "Test client" {
			t.Errorf("FromContext = %v", me)
		}
		if app := api.get("/api/open", bearer(cc)).JSON(t); app["account"] != nil || app["anonymous"] != false {
			t.Errorf("app-only FromContext = %v", app)
		}
		// A suspension ends every token at the next request.
		if err := srv.Accounts.SetSuspended(context.Background(), "kim", true); err != nil {
			t.Fatal(err)
		}
		if res := api.get("/api/timeline", bearer(read)); res.Status != 401 {
			t.Errorf("suspended account's token: %d", res.Status)
		}
		if res := api.post("/api/statuses", bearer(cc)); res.Status != 200 {
			t.Errorf("an app token does not depend on any account: %d", res.Status)
		}
	})
}

func (c *client) post(path string, header map[string]string) response {
	c.t.Helper()
	return c.do(http.MethodPost, path, "", nil, header)
}
