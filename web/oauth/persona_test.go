package oauth_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// The consent page lets a person with several personas pick which one
// the app acts as, and the token then acts as that persona only.
func TestConsentPersonaChoice(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		ctx := context.Background()
		rivera := srv.CreateAccount(t, "rivera")
		ana, err := srv.Accounts.CreatePersona(ctx, rivera, account.NewPersona{Username: "ana", DisplayName: "Ana"})
		if err != nil {
			t.Fatal(err)
		}
		other := srv.CreateAccount(t, "other")
		const redirect = "https://client.example/cb"
		a := registerApp(t, srv, "read write", redirect)
		authorize := authorizeURL(a, redirect, url.Values{"scope": {"read write"}})

		// Signed in by e-mail: the sign-up's account is preselected.
		b := newBrowser(t, srv)
		page := b.get(authorize, nil)
		form := hiddenFields(page.Body)
		form.Set("login", "rivera@example.org")
		form.Set("password", webtest.Password)
		res := b.postForm("/oauth/sign_in", form, nil)
		page = b.get(res.Location(t).String(), nil)
		riveraID, anaID := strconv.FormatInt(rivera.ID, 10), strconv.FormatInt(ana.ID, 10)
		for _, want := range []string{
			`<input type="radio" name="account_id" value="` + riveraID + `" checked> @rivera`,
			`<input type="radio" name="account_id" value="` + anaID + `"> @ana (Ana)`,
		} {
			if !strings.Contains(page.Body, want) {
				t.Fatalf("consent page lacks %q:\n%s", want, page.Body)
			}
		}
		if strings.Contains(page.Body, "@other") {
			t.Error("another sign-in's account is offered")
		}

		// Choosing another sign-in's account is refused, and no code is issued.
		approve := hiddenFields(page.Body)
		approve.Set("decision", "approve")
		for _, bad := range []string{strconv.FormatInt(other.ID, 10), "12x", "0"} {
			approve.Set("account_id", bad)
			res = b.postForm("/oauth/authorize", approve, nil)
			if res.Status != http.StatusBadRequest || res.Header.Get("Location") != "" {
				t.Errorf("account_id=%s: %d %v", bad, res.Status, res.Header)
			}
		}

		// Choosing ana: the token acts as ana.
		approve.Set("account_id", anaID)
		code := codeFrom(t, b.postForm("/oauth/authorize", approve, nil), redirect)
		tok := a.token(t, srv, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}})
		if tok.Status != http.StatusOK {
			t.Fatalf("token: %d %s", tok.Status, tok.Body)
		}
		me := newAPI(t, srv).get("/api/v1/accounts/verify_credentials", bearer(tok.JSON(t)["access_token"].(string)))
		if me.Status != http.StatusOK || me.JSON(t)["username"] != "ana" {
			t.Fatalf("verify_credentials: %d %s", me.Status, me.Body)
		}
		// Its refresh token keeps acting as ana.
		ref := a.token(t, srv, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.JSON(t)["refresh_token"].(string)}})
		me = newAPI(t, srv).get("/api/v1/accounts/verify_credentials", bearer(ref.JSON(t)["access_token"].(string)))
		if me.JSON(t)["username"] != "ana" {
			t.Fatalf("after refresh: %s", me.Body)
		}

		// A suspended persona is not offered.
		if err := srv.Accounts.SetSuspended(ctx, "ana", true); err != nil {
			t.Fatal(err)
		}
		page = b.get(authorize, nil)
		if strings.Contains(page.Body, "@ana") || strings.Contains(page.Body, `name="account_id"`) {
			t.Errorf("suspended persona offered:\n%s", page.Body)
		}

		// A person with one account sees no choice.
		b2 := newBrowser(t, srv)
		res = signInAndApprove(t, b2, authorize, "other")
		if res.Status != http.StatusFound {
			t.Fatalf("single-account consent: %d", res.Status)
		}
	})
}
