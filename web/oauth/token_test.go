package oauth_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	oauthcore "github.com/rounds-md/rounds/core/oauth"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// TestTokenGrants covers the password, client_credentials and
// refresh_token grants and the error answers of the token endpoint.
func TestTokenGrants(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		srv.CreateAccount(t, "dana")
		a := registerApp(t, srv, "read write follow push", oauthcore.OOB)

		for _, tc := range []struct {
			name   string
			v      url.Values
			status int
			err    string
			scope  string
		}{
			{"password with username", url.Values{"grant_type": {"password"}, "username": {"dana"}, "password": {webtest.Password}, "scope": {"read write follow push"}}, 200, "", "read write follow push"},
			{"password with e-mail", url.Values{"grant_type": {"password"}, "username": {"dana@example.org"}, "password": {webtest.Password}, "scope": {"read write follow"}}, 200, "", "read write follow"},
			{"password default scope", url.Values{"grant_type": {"password"}, "username": {"dana"}, "password": {webtest.Password}}, 200, "", "read"},
			{"password granular scope", url.Values{"grant_type": {"password"}, "username": {"dana"}, "password": {webtest.Password}, "scope": {"read:statuses write:media"}}, 200, "", "read:statuses write:media"},
			{"wrong password", url.Values{"grant_type": {"password"}, "username": {"dana"}, "password": {"wrong password"}}, 400, "invalid_grant", ""},
			{"unknown user", url.Values{"grant_type": {"password"}, "username": {"nobody@example.org"}, "password": {webtest.Password}}, 400, "invalid_grant", ""},
			{"password missing", url.Values{"grant_type": {"password"}, "username": {"dana"}}, 400, "invalid_request", ""},
			{"scope beyond app", url.Values{"grant_type": {"password"}, "username": {"dana"}, "password": {webtest.Password}, "scope": {"read admin:read"}}, 400, "invalid_scope", ""},
			{"unknown scope", url.Values{"grant_type": {"password"}, "username": {"dana"}, "password": {webtest.Password}, "scope": {"read bogus"}}, 400, "invalid_scope", ""},
			{"client credentials", url.Values{"grant_type": {"client_credentials"}, "scope": {"read write"}, "redirect_uri": {oauthcore.OOB}}, 200, "", "read write"},
			{"client credentials beyond app", url.Values{"grant_type": {"client_credentials"}, "scope": {"admin:write"}}, 400, "invalid_scope", ""},
			{"implicit grant type", url.Values{"grant_type": {"implicit"}}, 400, "unsupported_grant_type", ""},
			{"no grant type", url.Values{}, 400, "invalid_request", ""},
			{"refresh without token", url.Values{"grant_type": {"refresh_token"}}, 400, "invalid_request", ""},
			{"refresh made up", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"nope"}}, 400, "invalid_grant", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := a.token(t, srv, tc.v)
				m := res.JSON(t)
				if res.Status != tc.status {
					t.Fatalf("status %d, want %d: %s", res.Status, tc.status, res.Body)
				}
				if tc.err != "" {
					if m["error"] != tc.err || m["error_description"] == "" || m["access_token"] != nil {
						t.Errorf("body %s, want error %s with a description", res.Body, tc.err)
					}
					return
				}
				if m["scope"] != tc.scope || m["token_type"] != "Bearer" || m["access_token"] == "" {
					t.Errorf("body %s, want scope %q", res.Body, tc.scope)
				}
				_, hasRefresh := m["refresh_token"]
				if appOnly := tc.v.Get("grant_type") == "client_credentials"; hasRefresh == appOnly {
					t.Errorf("refresh_token present = %v for %s", hasRefresh, tc.v.Get("grant_type"))
				}
			})
		}

		t.Run("JSON body and HTTP Basic", func(t *testing.T) {
			basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(a.ID)+":"+url.QueryEscape(a.Secret)))
			res := newAPI(t, srv).postJSON("/oauth/token", map[string]any{
				"grant_type": "password", "username": "dana", "password": webtest.Password, "scope": "read write follow push",
			}, map[string]string{"Authorization": basic})
			if res.Status != 200 || res.JSON(t)["scope"] != "read write follow push" {
				t.Fatalf("%d %s", res.Status, res.Body)
			}
			bad := newAPI(t, srv).postForm("/oauth/token", url.Values{"grant_type": {"client_credentials"}},
				map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte(a.ID+":nope"))})
			if bad.Status != 401 || bad.JSON(t)["error"] != "invalid_client" || bad.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("bad Basic: %d %s", bad.Status, bad.Body)
			}
		})

		t.Run("trailing slash", func(t *testing.T) {
			v := url.Values{"grant_type": {"client_credentials"}, "client_id": {a.ID}, "client_secret": {a.Secret}}
			if res := newAPI(t, srv).postForm("/oauth/token/", v, nil); res.Status != 200 {
				t.Errorf("POST /oauth/token/: %d %s", res.Status, res.Body)
			}
		})

		t.Run("refresh", func(t *testing.T) {
			first := a.passwordToken(t, srv, "dana", "read write follow")
			res := a.token(t, srv, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {first["refresh_token"].(string)}})
			if res.Status != 200 {
				t.Fatalf("refresh: %d %s", res.Status, res.Body)
			}
			second := res.JSON(t)
			if second["scope"] != "read write follow" || second["access_token"] == first["access_token"] || second["refresh_token"] == first["refresh_token"] {
				t.Errorf("refreshed = %v", second)
			}
			api := newAPI(t, srv)
			if r := api.get("/api/v1/apps/verify_credentials", bearer(first["access_token"].(string))); r.Status != 401 {
				t.Errorf("the replaced access token still works: %d", r.Status)
			}
			if r := api.get("/api/v1/apps/verify_credentials", bearer(second["access_token"].(string))); r.Status != 200 {
				t.Errorf("the new access token fails: %d %s", r.Status, r.Body)
			}
			if r := a.token(t, srv, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {first["refresh_token"].(string)}}); r.Status != 400 || r.JSON(t)["error"] != "invalid_grant" {
				t.Errorf("reused refresh token: %d %s", r.Status, r.Body)
			}
			narrowed := a.token(t, srv, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {second["refresh_token"].(string)}, "scope": {"read"}})
			if narrowed.Status != 200 || narrowed.JSON(t)["scope"] != "read" {
				t.Errorf("narrowing refresh: %d %s", narrowed.Status, narrowed.Body)
			}
			wider := a.token(t, srv, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {narrowed.JSON(t)["refresh_token"].(string)}, "scope": {"read write"}})
			if wider.Status != 400 || wider.JSON(t)["error"] != "invalid_scope" {
				t.Errorf("widening refresh: %d %s", wider.Status, wider.Body)
			}
			other := registerApp(t, srv, "read write follow", oauthcore.OOB)
			third := a.passwordToken(t, srv, "dana", "read")
			if r := other.token(t, srv, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {third["refresh_token"].(string)}}); r.Status != 400 || r.JSON(t)["error"] != "invalid_grant" {
				t.Errorf("another client's refresh token: %d %s", r.Status, r.Body)
			}
		})

		t.Run("revoke", func(t *testing.T) {
			api := newAPI(t, srv)
			tok := a.passwordToken(t, srv, "dana", "read")["access_token"].(string)
			if r := api.get("/api/v1/apps/verify_credentials", bearer(tok)); r.Status != 200 {
				t.Fatalf("fresh token: %d", r.Status)
			}
			other := registerApp(t, srv, "read", oauthcore.OOB)
			for _, tc := range []struct {
				name   string
				v      url.Values
				status int
				body   string
			}{
				{"another client's token", url.Values{"client_id": {other.ID}, "client_secret": {other.Secret}, "token": {tok}}, 403, `"error":"unauthorized_client"`},
				{"bad client", url.Values{"client_id": {a.ID}, "client_secret": {"nope"}, "token": {tok}}, 401, `"error":"invalid_client"`},
				{"no token", url.Values{"client_id": {a.ID}, "client_secret": {a.Secret}}, 400, `"error":"invalid_request"`},
				{"own token", url.Values{"client_id": {a.ID}, "client_secret": {a.Secret}, "token": {tok}}, 200, `{}`},
				{"again", url.Values{"client_id": {a.ID}, "client_secret": {a.Secret}, "token": {tok}}, 200, `{}`},
				{"unknown token", url.Values{"client_id": {a.ID}, "client_secret": {a.Secret}, "token": {"never-issued"}}, 200, `{}`},
			} {
				res := api.postForm("/oauth/revoke", tc.v, nil)
				if res.Status != tc.status || !strings.Contains(res.Body, tc.body) || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
					t.Errorf("%s: %d %s, want %d %s", tc.name, res.Status, res.Body, tc.status, tc.body)
				}
			}
			if r := api.get("/api/v1/apps/verify_credentials", bearer(tok)); r.Status != 401 || r.JSON(t)["error"] != "The access token is invalid" {
				t.Errorf("revoked token: %d %s", r.Status, r.Body)
			}
			// Revoking by refresh token ends the pair.
			pair := a.passwordToken(t, srv, "dana", "read")
			if r := api.postForm("/oauth/revoke", url.Values{"client_id": {a.ID}, "client_secret": {a.Secret}, "token": {pair["refresh_token"].(string)}}, nil); r.Status != 200 {
				t.Fatalf("revoke by refresh token: %d", r.Status)
			}
			if r := api.get("/api/v1/apps/verify_credentials", bearer(pair["access_token"].(string))); r.Status != 401 {
				t.Errorf("access token after revoking its refresh token: %d", r.Status)
			}
		})

		t.Run("last_active_at", func(t *testing.T) {
			acct, err := srv.Accounts.Local(context.Background(), "dana")
			if err != nil {
				t.Fatal(err)
			}
			tok := a.passwordToken(t, srv, "dana", "read")["access_token"].(string)
			if r := newAPI(t, srv).get("/api/v1/apps/verify_credentials", bearer(tok)); r.Status != 200 {
				t.Fatal(r.Status)
			}
			u, err := srv.Store.UserByID(context.Background(), *acct.UserID)
			if err != nil || u.LastActiveAt == nil {
				t.Errorf("last_active_at not set after token use: %v %v", u, err)
			}
		})
	})
}

// TestPasswordGrantDisabled checks the setting that turns it off.
func TestPasswordGrantDisabled(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s, webtest.WithOAuth(func(c *oauthcore.Config) { c.PasswordGrant = false }))
		srv.CreateAccount(t, "erin")
		a := registerApp(t, srv, "read", oauthcore.OOB)
		res := a.token(t, srv, url.Values{"grant_type": {"password"}, "username": {"erin"}, "password": {webtest.Password}})
		if res.Status != 400 || res.JSON(t)["error"] != "unsupported_grant_type" {
			t.Errorf("password grant when disabled: %d %s", res.Status, res.Body)
		}
		meta := newAPI(t, srv).get("/.well-known/oauth-authorization-server", nil)
		if strings.Contains(meta.Body, `"password"`) {
			t.Errorf("metadata advertises the disabled password grant: %s", meta.Body)
		}
	})
}

// TestSuspendedAccount: a suspended account cannot sign in, and its
// existing tokens stop working at once.
func TestSuspendedAccount(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		srv.CreateAccount(t, "frank")
		a := registerApp(t, srv, "read write", "https://client.example/cb")
		tok := a.passwordToken(t, srv, "frank", "read")
		api := newAPI(t, srv)
		if r := api.get("/api/v1/apps/verify_credentials", bearer(tok["access_token"].(string))); r.Status != 200 {
			t.Fatalf("before suspension: %d", r.Status)
		}
		b := newBrowser(t, srv)
		codeFrom(t, signInAndApprove(t, b, authorizeURL(a, "https://client.example/cb", nil), "frank"), "https://client.example/cb")
		pending := codeFrom(t, signInAndApprove(t, b, authorizeURL(a, "https://client.example/cb", nil), "frank"), "https://client.example/cb")

		if err := srv.Accounts.SetSuspended(context.Background(), "frank", true); err != nil {
			t.Fatal(err)
		}
		r := api.get("/api/v1/apps/verify_credentials", bearer(tok["access_token"].(string)))
		if r.Status != 401 || r.JSON(t)["error"] != "The access token is invalid" {
			t.Errorf("suspended account's token: %d %s", r.Status, r.Body)
		}
		if r := a.token(t, srv, url.Values{"grant_type": {"password"}, "username": {"frank"}, "password": {webtest.Password}}); r.Status != 400 || r.JSON(t)["error"] != "invalid_grant" {
			t.Errorf("password grant while suspended: %d %s", r.Status, r.Body)
		}
		if r := a.token(t, srv, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}}); r.Status != 400 || r.JSON(t)["error"] != "invalid_grant" {
			t.Errorf("refresh while suspended: %d %s", r.Status, r.Body)
		}
		if r := a.token(t, srv, url.Values{"grant_type": {"authorization_code"}, "code": {pending}, "redirect_uri": {"https://client.example/cb"}}); r.Status != 400 || r.JSON(t)["error"] != "invalid_grant" {
			t.Errorf("code exchange while suspended: %d %s", r.Status, r.Body)
		}
		// The browser session ends too: the form is shown again, and
		// signing in is refused.
		page := b.get(authorizeURL(a, "https://client.example/cb", nil), nil)
		if !strings.Contains(page.Body, `name="password"`) {
			t.Fatalf("suspended account's session still reaches consent:\n%s", page.Body)
		}
		form := hiddenFields(page.Body)
		form.Set("login", "frank")
		form.Set("password", webtest.Password)
		res := b.postForm("/oauth/sign_in", form, nil)
		if res.Status != http.StatusForbidden || !strings.Contains(res.Body, "suspended") || cookieNamed(res.Header, "rounds_session") != nil {
			t.Errorf("sign-in while suspended: %d\n%s", res.Status, res.Body)
		}
	})
}

// TestSignInFormErrors covers the sign-in form's refusals: CSRF, wrong
// credentials, and the rate limit.
func TestSignInFormErrors(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		srv.CreateAccount(t, "gina")
		const cb = "https://client.example/cb"
		a := registerApp(t, srv, "read", cb)
		b := newBrowser(t, srv)
		page := b.get(authorizeURL(a, cb, url.Values{"state": {"q"}}), nil)
		good := hiddenFields(page.Body)
		good.Set("login", "gina")
		good.Set("password", webtest.Password)
		with := func(k, v string) url.Values {
			out := url.Values{}
			for kk, vv := range good {
				out[kk] = append([]string(nil), vv...)
			}
			if v == "" {
				out.Del(k)
			} else {
				out.Set(k, v)
			}
			return out
		}

		for _, tc := range []struct {
			name   string
			form   url.Values
			header map[string]string
			status int
			body   string
		}{
			{"csrf missing", with("authenticity_token", ""), nil, 403, "expired"},
			{"csrf wrong", with("authenticity_token", strings.Repeat("A", 43)), nil, 403, "expired"},
			{"foreign origin", good, map[string]string{"Origin": "https://evil.example"}, 403, "expired"},
			{"wrong password", with("password", "not the password"), nil, 422, "Invalid e-mail address, username or password."},
			{"unknown user", with("login", "nobody"), nil, 422, "Invalid e-mail address, username or password."},
			{"tampered client", with("client_id", "other"), nil, 400, "unknown"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := b.postForm("/oauth/sign_in", tc.form, tc.header)
				if res.Status != tc.status || !strings.Contains(res.Body, tc.body) || cookieNamed(res.Header, "rounds_session") != nil {
					t.Errorf("%d, want %d containing %q\n%s", res.Status, tc.status, tc.body, res.Body)
				}
			})
		}
		// A browser without the CSRF cookie (a cross-site form) is refused.
		if res := newBrowser(t, srv).postForm("/oauth/sign_in", good, nil); res.Status != 403 {
			t.Errorf("sign-in without the CSRF cookie: %d", res.Status)
		}
		// The consent form needs the token as well.
		codeFrom(t, signInAndApprove(t, b, authorizeURL(a, cb, nil), "gina"), cb)
		consent := b.get(authorizeURL(a, cb, nil), nil)
		form := hiddenFields(consent.Body)
		form.Set("decision", "approve")
		form.Del("authenticity_token")
		if res := b.postForm("/oauth/authorize", form, nil); res.Status != 403 || res.Header.Get("Location") != "" {
			t.Errorf("consent without CSRF token: %d %v", res.Status, res.Header)
		}
		form.Set("authenticity_token", "forged")
		if res := b.postForm("/oauth/authorize", form, nil); res.Status != 403 || res.Header.Get("Location") != "" {
			t.Errorf("consent with a wrong CSRF token: %d %v", res.Status, res.Header)
		}
		// Consent without a session asks to sign in again.
		fresh := newBrowser(t, srv)
		p := fresh.get(authorizeURL(a, cb, nil), nil)
		form = hiddenFields(p.Body)
		form.Set("decision", "approve")
		if res := fresh.postForm("/oauth/authorize", form, nil); res.Status != 401 || !strings.Contains(res.Body, `name="password"`) {
			t.Errorf("consent without a session: %d", res.Status)
		}
	})
}

// TestSignInRateLimit: after five failures an account is refused with 429
// for a while, on the form and on the password grant alike, even with the
// right password; other accounts are not affected.
func TestSignInRateLimit(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		srv.CreateAccount(t, "hank")
		srv.CreateAccount(t, "ivy")
		srv.CreateAccount(t, "jack")
		const cb = "https://client.example/cb"
		a := registerApp(t, srv, "read", cb)

		wrong := url.Values{"grant_type": {"password"}, "username": {"hank"}, "password": {"wrong password"}}
		for i := range 5 {
			if r := a.token(t, srv, wrong); r.Status != 400 || r.JSON(t)["error"] != "invalid_grant" {
				t.Fatalf("failure %d: %d %s", i+1, r.Status, r.Body)
			}
		}
		right := url.Values{"grant_type": {"password"}, "username": {"hank@example.org"}, "password": {webtest.Password}}
		r := a.token(t, srv, right)
		if r.Status != http.StatusTooManyRequests || r.JSON(t)["error"] == nil || r.Header.Get("Retry-After") == "" {
			t.Errorf("sixth attempt: %d %s (Retry-After %q), want 429", r.Status, r.Body, r.Header.Get("Retry-After"))
		}
		a.passwordToken(t, srv, "ivy", "read") // another account still signs in

		// The form: five failures for jack, then a 429 page.
		b := newBrowser(t, srv)
		page := b.get(authorizeURL(a, cb, nil), nil)
		form := hiddenFields(page.Body)
		form.Set("login", "jack")
		form.Set("password", "wrong password")
		for i := range 5 {
			if res := b.postForm("/oauth/sign_in", form, nil); res.Status != 422 {
				t.Fatalf("form failure %d: %d", i+1, res.Status)
			}
		}
		form.Set("password", webtest.Password)
		res := b.postForm("/oauth/sign_in", form, nil)
		if res.Status != http.StatusTooManyRequests || !strings.Contains(res.Body, "Too many failed sign-in attempts") || !strings.Contains(res.Body, `role="alert"`) {
			t.Errorf("form after five failures: %d\n%s", res.Status, res.Body)
		}
	})
}
