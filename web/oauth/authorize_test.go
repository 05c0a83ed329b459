package oauth_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	oauthcore "github.com/rounds-md/rounds/core/oauth"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// TestAuthorizationCodeFlow signs in through the HTML pages with a real
// cookie jar, approves, and exchanges the code, for the redirect URIs real
// clients register.
func TestAuthorizationCodeFlow(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		srv.CreateAccount(t, "alice")
		for _, tc := range []struct {
			name     string
			redirect string
			login    string
		}{
			{"web app", "https://phanpy.example/", "alice@example.org"},
			{"tusky", "oauth2redirect://com.keylesspalace.tusky/", "alice"},
			{"ivory", "com.tapbots.Ivory.19300:/request_token/5A8C0B7E-1F2D-4D2B-9A0E-1234567890AB", "ALICE@example.org"},
			{"query in redirect", "https://elk.example/api/x/oauth?origin=https%3A%2F%2Felk.example", "alice"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a := registerApp(t, srv, "read write follow push", tc.redirect, oauthcore.OOB)
				b := newBrowser(t, srv)
				authorize := authorizeURL(a, tc.redirect, url.Values{"scope": {"read write follow push"}, "state": {"st<a>te 1"}})

				page := b.get(authorize, nil)
				if page.Status != http.StatusOK {
					t.Fatalf("GET authorize: %d %s", page.Status, page.Body)
				}
				for _, want := range []string{`<html lang="en">`, `<main id="main">`, `<label for="login">`, `<label for="password">`, `autocomplete="current-password"`, "Test client"} {
					if !strings.Contains(page.Body, want) {
						t.Errorf("sign-in page lacks %q", want)
					}
				}
				if got := page.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
					t.Errorf("Content-Type = %q", got)
				}
				if !strings.Contains(page.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") || page.Header.Get("Cache-Control") != "no-store" {
					t.Errorf("security headers missing: %v", page.Header)
				}
				if strings.Contains(page.Body, "st<a>te") {
					t.Error("state is not escaped in the page")
				}
				csrf := cookieNamed(page.Header, "rounds_csrf")
				if csrf == nil || !csrf.HttpOnly || csrf.SameSite != http.SameSiteLaxMode || csrf.Secure {
					t.Errorf("CSRF cookie = %+v, want HttpOnly, SameSite=Lax, not Secure over http", csrf)
				}

				form := hiddenFields(page.Body)
				form.Set("login", tc.login)
				form.Set("password", webtest.Password)
				res := b.postForm("/oauth/sign_in", form, nil)
				if res.Status != http.StatusSeeOther {
					t.Fatalf("sign in: %d %s", res.Status, res.Body)
				}
				sess := cookieNamed(res.Header, "rounds_session")
				if sess == nil || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.Path != "/" || sess.MaxAge <= 0 {
					t.Errorf("session cookie = %+v", sess)
				}
				consent := b.get(res.Location(t).String(), nil)
				for _, want := range []string{"@alice", "(read)", "(write)", "(follow)", "(push)", `value="approve"`, `value="deny"`} {
					if !strings.Contains(consent.Body, want) {
						t.Errorf("consent page lacks %q:\n%s", want, consent.Body)
					}
				}
				form = hiddenFields(consent.Body)
				form.Set("decision", "approve")
				res = b.postForm("/oauth/authorize", form, nil)
				code := codeFrom(t, res, tc.redirect)
				if got := res.Location(t).Query().Get("state"); got != "st<a>te 1" {
					t.Errorf("state = %q, want it passed back unchanged", got)
				}

				tok := a.token(t, srv, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {tc.redirect}})
				if tok.Status != http.StatusOK {
					t.Fatalf("token: %d %s", tok.Status, tok.Body)
				}
				m := tok.JSON(t)
				if m["scope"] != "read write follow push" || m["token_type"] != "Bearer" || m["access_token"] == "" || m["refresh_token"] == "" {
					t.Errorf("token response = %v", m)
				}
				if ca, ok := m["created_at"].(float64); !ok || ca < 1.7e9 || ca != float64(int64(ca)) {
					t.Errorf("created_at = %v, want unix seconds", m["created_at"])
				}
				if tok.Header.Get("Cache-Control") != "no-store" {
					t.Errorf("token response Cache-Control = %q", tok.Header.Get("Cache-Control"))
				}
				vc := newAPI(t, srv).get("/api/v1/apps/verify_credentials", bearer(m["access_token"].(string)))
				if vc.Status != http.StatusOK || vc.JSON(t)["name"] != "Test client" {
					t.Errorf("verify_credentials: %d %s", vc.Status, vc.Body)
				}

				// Signed in now: the next request goes straight to consent,
				// unless force_login asks for the form again.
				again := b.get(authorize, nil)
				if !strings.Contains(again.Body, `value="approve"`) || strings.Contains(again.Body, `name="password"`) {
					t.Errorf("a signed-in browser was not sent to consent:\n%s", again.Body)
				}
				for _, fl := range []string{"true", "1"} {
					forced := b.get(authorize+"&force_login="+fl, nil)
					if !strings.Contains(forced.Body, `name="password"`) {
						t.Errorf("force_login=%s did not show the sign-in form", fl)
					}
				}
				notForced := b.get(authorize+"&force_login=False&lang=None", nil) // as Mastodon.py sends
				if !strings.Contains(notForced.Body, `value="approve"`) {
					t.Errorf("force_login=False showed the sign-in form")
				}
			})
		}
	})
}

// TestAuthorizeVariants covers the other answers of the authorization
// endpoint: oob, PKCE, deny, trailing slash, and requests refused.
func TestAuthorizeVariants(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		srv.CreateAccount(t, "bob")
		const cb = "https://client.example/cb"
		const other = "https://client.example/other"
		a := registerApp(t, srv, "read write follow", cb, other, oauthcore.OOB)
		b := newBrowser(t, srv)
		// Sign in once; later requests reuse the session.
		codeFrom(t, signInAndApprove(t, b, authorizeURL(a, cb, nil), "bob"), cb)

		t.Run("oob shows the code", func(t *testing.T) {
			res := signInAndApprove(t, b, "/oauth/authorize/?response_type=code&redirect_uri="+url.QueryEscape(oauthcore.OOB)+"&scope=read+write+follow&client_id="+a.ID, "bob")
			if res.Status != http.StatusSeeOther || res.Location(t).Path != "/oauth/authorize/native" {
				t.Fatalf("oob approve: %d %v", res.Status, res.Header)
			}
			code := res.Location(t).Query().Get("code")
			page := b.get(res.Location(t).String(), nil)
			if page.Status != http.StatusOK {
				t.Fatalf("native page: %d %s", page.Status, page.Body)
			}
			if !strings.Contains(page.Body, `value="`+code+`"`) || !strings.Contains(page.Body, `<label for="code">`) {
				t.Errorf("native page does not show the code:\n%s", page.Body)
			}
			tok := a.token(t, srv, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {oauthcore.OOB}})
			if tok.Status != http.StatusOK || tok.JSON(t)["scope"] != "read write follow" {
				t.Errorf("oob token: %d %s", tok.Status, tok.Body)
			}
		})

		verifier := "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
		plain := strings.Repeat("plainverifier", 4)
		for _, tc := range []struct {
			name              string
			method, challenge string
			verifier          string
			status            int
			errCode           string
		}{
			{"pkce S256", "S256", oauthcore.S256Challenge(verifier), verifier, 200, ""},
			{"pkce S256 mismatch", "S256", oauthcore.S256Challenge(verifier), verifier[:len(verifier)-1] + "Y", 400, "invalid_grant"},
			{"pkce S256 missing verifier", "S256", oauthcore.S256Challenge(verifier), "", 400, "invalid_grant"},
			{"pkce plain", "plain", plain, plain, 200, ""},
			{"pkce plain mismatch", "plain", plain, plain + "x", 400, "invalid_grant"},
			{"pkce method defaults to plain", "", plain, plain, 200, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				q := url.Values{"scope": {"read"}, "code_challenge": {tc.challenge}}
				if tc.method != "" {
					q.Set("code_challenge_method", tc.method)
				}
				code := codeFrom(t, signInAndApprove(t, b, authorizeURL(a, cb, q), "bob"), cb)
				v := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {cb}}
				if tc.verifier != "" {
					v.Set("code_verifier", tc.verifier)
				}
				res := a.token(t, srv, v)
				if res.Status != tc.status || (tc.errCode != "" && res.JSON(t)["error"] != tc.errCode) {
					t.Errorf("token: %d %s, want %d %s", res.Status, res.Body, tc.status, tc.errCode)
				}
			})
		}

		t.Run("deny", func(t *testing.T) {
			page := b.get(authorizeURL(a, cb, url.Values{"state": {"s1"}}), nil)
			form := hiddenFields(page.Body)
			form.Set("decision", "deny")
			res := b.postForm("/oauth/authorize", form, nil)
			if res.Status != http.StatusFound {
				t.Fatalf("deny: %d %s", res.Status, res.Body)
			}
			loc := res.Location(t)
			if !strings.HasPrefix(res.Header.Get("Location"), cb+"?") || loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "s1" || loc.Query().Get("code") != "" {
				t.Errorf("deny redirected to %s", loc)
			}
		})

		// Requests the server must refuse. Bad clients and redirect URIs get
		// an HTML page and never a redirect; other faults go back to the
		// registered redirect URI with error and state.
		for _, tc := range []struct {
			name    string
			query   url.Values
			status  int
			errCode string // in the redirect; "" for an HTML page
		}{
			{"unknown client", url.Values{"client_id": {"nope"}, "redirect_uri": {cb}, "response_type": {"code"}}, 400, ""},
			{"missing client", url.Values{"redirect_uri": {cb}, "response_type": {"code"}}, 400, ""},
			{"unregistered redirect", url.Values{"client_id": {a.ID}, "redirect_uri": {"https://evil.example/cb"}, "response_type": {"code"}}, 400, ""},
			{"redirect prefix only", url.Values{"client_id": {a.ID}, "redirect_uri": {cb + "/x"}, "response_type": {"code"}}, 400, ""},
			{"ambiguous missing redirect", url.Values{"client_id": {a.ID}, "response_type": {"code"}}, 400, ""},
			{"implicit grant", url.Values{"client_id": {a.ID}, "redirect_uri": {cb}, "response_type": {"token"}, "state": {"z"}}, 302, "unsupported_response_type"},
			{"scope beyond app", url.Values{"client_id": {a.ID}, "redirect_uri": {cb}, "response_type": {"code"}, "scope": {"read push"}, "state": {"z"}}, 302, "invalid_scope"},
			{"unknown scope", url.Values{"client_id": {a.ID}, "redirect_uri": {cb}, "response_type": {"code"}, "scope": {"read crypto"}, "state": {"z"}}, 302, "invalid_scope"},
			{"bad pkce method", url.Values{"client_id": {a.ID}, "redirect_uri": {cb}, "response_type": {"code"}, "code_challenge": {plain}, "code_challenge_method": {"S512"}, "state": {"z"}}, 302, "invalid_request"},
			{"short challenge", url.Values{"client_id": {a.ID}, "redirect_uri": {cb}, "response_type": {"code"}, "code_challenge": {"abc"}, "code_challenge_method": {"S256"}, "state": {"z"}}, 302, "invalid_request"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := b.get("/oauth/authorize?"+tc.query.Encode(), nil)
				if res.Status != tc.status {
					t.Fatalf("status %d, want %d\n%s", res.Status, tc.status, res.Body)
				}
				if tc.errCode == "" {
					if res.Header.Get("Location") != "" || !strings.Contains(res.Body, "<main") {
						t.Errorf("want an HTML error page, got Location %q", res.Header.Get("Location"))
					}
					return
				}
				loc := res.Location(t)
				if !strings.HasPrefix(res.Header.Get("Location"), cb+"?") || loc.Query().Get("error") != tc.errCode || loc.Query().Get("state") != "z" {
					t.Errorf("redirected to %s, want %s with error=%s", loc, cb, tc.errCode)
				}
			})
		}

		t.Run("single redirect uri may be omitted", func(t *testing.T) {
			single := registerApp(t, srv, "read", cb)
			res := signInAndApprove(t, b, "/oauth/authorize?response_type=code&client_id="+single.ID, "bob")
			code := codeFrom(t, res, cb)
			tok := single.token(t, srv, url.Values{"grant_type": {"authorization_code"}, "code": {code}})
			if tok.Status != http.StatusOK || tok.JSON(t)["scope"] != "read" {
				t.Errorf("token: %d %s", tok.Status, tok.Body)
			}
		})
	})
}

// TestCodeExchangeErrors covers codes that must not turn into tokens.
func TestCodeExchangeErrors(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		srv.CreateAccount(t, "carol")
		const cb = "https://client.example/cb"
		const other = "https://client.example/other"
		a := registerApp(t, srv, "read write", cb, other)
		stranger := registerApp(t, srv, "read write", cb)
		b := newBrowser(t, srv)
		newCode := func() string {
			return codeFrom(t, signInAndApprove(t, b, authorizeURL(a, cb, url.Values{"scope": {"read"}}), "carol"), cb)
		}

		t.Run("reused code", func(t *testing.T) {
			code := newCode()
			first := a.token(t, srv, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {cb}})
			if first.Status != http.StatusOK {
				t.Fatalf("first exchange: %d %s", first.Status, first.Body)
			}
			again := a.token(t, srv, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {cb}})
			if again.Status != http.StatusBadRequest || again.JSON(t)["error"] != "invalid_grant" {
				t.Errorf("second exchange: %d %s", again.Status, again.Body)
			}
			// RFC 6749 4.1.2: the token issued for a replayed code is revoked.
			res := newAPI(t, srv).get("/api/v1/apps/verify_credentials", bearer(first.JSON(t)["access_token"].(string)))
			if res.Status != http.StatusUnauthorized {
				t.Errorf("token of a replayed code still works: %d", res.Status)
			}
		})

		for _, tc := range []struct {
			name   string
			app    app
			v      url.Values
			status int
			err    string
		}{
			{"other redirect uri", a, url.Values{"redirect_uri": {other}}, 400, "invalid_grant"},
			{"another client", stranger, url.Values{"redirect_uri": {cb}}, 400, "invalid_grant"},
			{"wrong secret", app{ID: a.ID, Secret: "wrong"}, url.Values{"redirect_uri": {cb}}, 401, "invalid_client"},
			{"unknown client", app{ID: "unknown", Secret: a.Secret}, url.Values{"redirect_uri": {cb}}, 401, "invalid_client"},
			{"no secret", app{ID: a.ID}, url.Values{"redirect_uri": {cb}}, 401, "invalid_client"},
			{"ambiguous missing redirect", a, url.Values{}, 400, "invalid_grant"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				v := tc.v
				v.Set("grant_type", "authorization_code")
				v.Set("code", newCode())
				res := tc.app.token(t, srv, v)
				if res.Status != tc.status || res.JSON(t)["error"] != tc.err || res.JSON(t)["error_description"] == "" {
					t.Errorf("%d %s, want %d %s with a description", res.Status, res.Body, tc.status, tc.err)
				}
			})
		}
		t.Run("made-up code", func(t *testing.T) {
			res := a.token(t, srv, url.Values{"grant_type": {"authorization_code"}, "code": {"madeup"}, "redirect_uri": {cb}})
			if res.Status != 400 || res.JSON(t)["error"] != "invalid_grant" {
				t.Errorf("%d %s", res.Status, res.Body)
			}
		})
		t.Run("codes and tokens stored hashed", func(t *testing.T) {
			code := newCode()
			tok := a.token(t, srv, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {cb}}).JSON(t)
			for _, secret := range []string{code, tok["access_token"].(string), tok["refresh_token"].(string), a.Secret} {
				if n := countRowsHolding(t, srv.Store, secret); n != 0 {
					t.Errorf("a secret is stored in clear in %d rows", n)
				}
			}
		})
	})
}

// countRowsHolding counts OAuth rows holding secret verbatim in any
// secret column.
func countRowsHolding(t *testing.T, s *storage.Store, secret string) int {
	t.Helper()
	var n int
	for _, q := range []string{
		"SELECT count(*) FROM oauth_tokens WHERE token_hash = $1 OR refresh_hash = $1",
		"SELECT count(*) FROM oauth_codes WHERE code_hash = $1",
		"SELECT count(*) FROM oauth_apps WHERE client_secret_hash = $1",
	} {
		var c int
		if err := s.DB().QueryRowContext(context.Background(), q, secret).Scan(&c); err != nil {
			t.Fatal(err)
		}
		n += c
	}
	return n
}

// cookieNamed returns the cookie a response sets under name.
func cookieNamed(h http.Header, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}
