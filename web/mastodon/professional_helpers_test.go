package mastodon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/webtest"
)

// proAccount is the part of an Account entity the profile tests read.
type proAccount struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	Acct        string `json:"acct"`
	DisplayName string `json:"display_name"`
	Note        string `json:"note"`
	Locked      bool   `json:"locked"`
	Bot         bool   `json:"bot"`
	CreatedAt   string `json:"created_at"`
	Avatar      string `json:"avatar"`
	Header      string `json:"header"`
	Fields      []struct {
		Name       string  `json:"name"`
		Value      string  `json:"value"`
		VerifiedAt *string `json:"verified_at"`
	} `json:"fields"`
	Rounds struct {
		Profile      map[string]json.RawMessage `json:"profile"`
		Verification *struct {
			Credential string `json:"credential"`
			VerifiedAt string `json:"verified_at"`
			VerifiedBy string `json:"verified_by"`
		} `json:"verification"`
	} `json:"rounds"`
	Source *struct {
		Privacy   string `json:"privacy"`
		Sensitive bool   `json:"sensitive"`
		Language  string `json:"language"`
		Note      string `json:"note"`
		Fields    []struct {
			Name, Value string
		} `json:"fields"`
	} `json:"source"`
}

// field returns the value of the Mastodon field named name, ok false
// when absent.
func (a proAccount) field(name string) (string, bool) {
	for _, f := range a.Fields {
		if f.Name == name {
			return f.Value, true
		}
	}
	return "", false
}

// fieldNames lists the Mastodon field names.
func (a proAccount) fieldNames() []string {
	var out []string
	for _, f := range a.Fields {
		out = append(out, f.Name)
	}
	return out
}

// patchJSON sends a PATCH with a JSON body as u.
func patchJSON(t *testing.T, u *user, path string, body any, want int, v any) {
	t.Helper()
	b, _ := json.Marshal(body)
	decode(t, do(t, u.srv, u, "PATCH", path, "application/json", bytes.NewReader(b)), want, v)
}

// patchForm sends a PATCH with a form body as u.
func patchForm(t *testing.T, u *user, path string, form url.Values, want int, v any) {
	t.Helper()
	decode(t, do(t, u.srv, u, "PATCH", path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode())), want, v)
}

// loginToken signs in by username (which names one persona) through the
// password grant with scope.
func loginToken(t *testing.T, srv *webtest.Server, a *storage.Account, scope string) *user {
	t.Helper()
	id, secret := registerApp(t, srv, scope)
	res, err := http.PostForm(srv.URL+"/oauth/token", url.Values{
		"grant_type": {"password"}, "client_id": {id}, "client_secret": {secret},
		"username": {a.Username}, "password": {webtest.Password}, "scope": {scope},
	})
	if err != nil {
		t.Fatal(err)
	}
	var tok map[string]any
	decode(t, res, 200, &tok)
	return &user{Account: a, srv: srv, token: tok["access_token"].(string)}
}

// createRole makes an account with a role and signs it in.
func createRole(t *testing.T, srv *webtest.Server, username, role string) *user {
	t.Helper()
	a, err := srv.Accounts.Create(context.Background(), account.NewAccount{
		Username: username, Email: username + "@example.org", Password: webtest.Password,
		Role: role, Approved: true, Confirmed: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return tokenFor(t, srv, a)
}

// verify records a physician verification of username at the command line.
func verify(t *testing.T, srv *webtest.Server, username, cred string) {
	t.Helper()
	svc := srv.Credentials
	if _, err := svc.Verify(context.Background(), credential.Staff{Via: storage.VerifiedViaCLI}, username, cred); err != nil {
		t.Fatal(err)
	}
}

// follow makes u follow target over the API (target unlocked).
func follow(t *testing.T, u *user, target *storage.Account) {
	t.Helper()
	postJSON(t, u, "/api/v1/accounts/"+idStr(target.ID)+"/follow", map[string]any{}, 200, nil)
}
