package oauth_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// The plain sign-in page of the HTML pages: it opens the same browser
// session as the OAuth pages, goes back only to a local path, and signs
// out.
func TestBrowserSignIn(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		srv.CreateAccount(t, "alice")
		for _, tc := range []struct{ returnTo, want string }{
			{"/settings/profile", "/settings/profile"},
			{"/directory?specialty=radiology", "/directory?specialty=radiology"},
			{"//evil.example/x", "/"},
			{"https://evil.example/", "/"},
			{"/\\evil.example", "/"},
			{"", "/"},
		} {
			b := newBrowser(t, srv)
			page := b.get("/auth/sign_in?"+url.Values{"return_to": {tc.returnTo}}.Encode(), nil)
			if page.Status != 200 || !strings.Contains(page.Body, `autocomplete="current-password"`) || page.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("sign-in page: %d\n%s", page.Status, page.Body)
			}
			form := hiddenFields(page.Body)
			form.Set("login", "alice")
			form.Set("password", webtest.Password)
			res := b.postForm("/auth/sign_in", form, nil)
			if res.Status != http.StatusSeeOther || res.Header.Get("Location") != tc.want {
				t.Errorf("return_to %q: %d to %q, want %q", tc.returnTo, res.Status, res.Header.Get("Location"), tc.want)
			}
		}

		b := newBrowser(t, srv)
		page := b.get("/auth/sign_in", nil)
		form := hiddenFields(page.Body)
		form.Set("login", "alice")
		form.Set("password", "wrong password")
		if res := b.postForm("/auth/sign_in", form, nil); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `role="alert"`) {
			t.Errorf("wrong password: %d", res.Status)
		}
		form.Del("authenticity_token")
		form.Set("password", webtest.Password)
		if res := b.postForm("/auth/sign_in", form, nil); res.Status != http.StatusForbidden {
			t.Errorf("no CSRF token: %d", res.Status)
		}

		// Signed in, the OAuth consent page knows the session; signing out ends it.
		form = hiddenFields(page.Body)
		form.Set("login", "alice")
		form.Set("password", webtest.Password)
		b.postForm("/auth/sign_in", form, nil)
		const redirect = "https://client.example/cb"
		a := registerApp(t, srv, "read", redirect)
		consent := b.get(authorizeURL(a, redirect, url.Values{"scope": {"read"}}), nil)
		if !strings.Contains(consent.Body, `value="approve"`) {
			t.Fatalf("not signed in for OAuth:\n%s", consent.Body)
		}
		count := func() int {
			var n int
			if err := s.DB().QueryRow(`SELECT count(*) FROM web_sessions`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		out := b.postForm("/auth/sign_out", url.Values{"authenticity_token": {formField(t, consent.Body, "authenticity_token")}}, nil)
		if out.Status != http.StatusSeeOther {
			t.Fatalf("sign out: %d %s", out.Status, out.Body)
		}
		if again := b.get(authorizeURL(a, redirect, url.Values{"scope": {"read"}}), nil); !strings.Contains(again.Body, `name="password"`) {
			t.Error("still signed in after signing out")
		}
		if after := count(); after != before-1 {
			t.Errorf("sessions: %d before signing out, %d after", before, after)
		}
	})
}
