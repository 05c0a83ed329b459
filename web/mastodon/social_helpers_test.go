package mastodon_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/webtest"
)

// user is a local account signed in through the OAuth password grant.
type user struct {
	*storage.Account
	srv   *webtest.Server
	token string
}

// signIn creates an account and gets a token for it over HTTP: register
// an app, then the password grant, with the given scope ("read write
// follow push" when empty).
func signIn(t *testing.T, srv *webtest.Server, username string, scope ...string) *user {
	t.Helper()
	a := srv.CreateAccount(t, username)
	return tokenFor(t, srv, a, scope...)
}

func tokenFor(t testing.TB, srv *webtest.Server, a *storage.Account, scope ...string) *user {
	t.Helper()
	sc := "read write follow push"
	if len(scope) > 0 {
		sc = scope[0]
	}
	id, secret := registerApp(t, srv, sc)
	res, err := http.PostForm(srv.URL+"/oauth/token", url.Values{
		"grant_type": {"password"}, "client_id": {id}, "client_secret": {secret},
		"username": {a.Username + "@example.org"}, "password": {webtest.Password}, "scope": {sc},
	})
	if err != nil {
		t.Fatal(err)
	}
	var tok map[string]any
	decode(t, res, 200, &tok)
	return &user{Account: a, srv: srv, token: tok["access_token"].(string)}
}

// registerApp registers an app with the oob redirect and scope, and
// returns its client ID and secret.
func registerApp(t testing.TB, srv *webtest.Server, scope string) (id, secret string) {
	t.Helper()
	res, err := http.PostForm(srv.URL+"/api/v1/apps", url.Values{
		"client_name": {"test"}, "redirect_uris": {"urn:ietf:wg:oauth:2.0:oob"}, "scopes": {scope},
	})
	if err != nil {
		t.Fatal(err)
	}
	var app map[string]any
	decode(t, res, 200, &app)
	return app["client_id"].(string), app["client_secret"].(string)
}

// decode checks the status and decodes a JSON body into v (when not nil).
func decode(t testing.TB, res *http.Response, want int, v any) {
	t.Helper()
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d; body %s", res.Request.Method, res.Request.URL, res.StatusCode, want, b)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s %s: Content-Type %q", res.Request.Method, res.Request.URL, ct)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: decode %s: %v", res.Request.URL, b, err)
		}
	}
}

// do sends a request as u (anonymously when u is nil) and returns the
// response, whose body the caller closes (decode does).
func do(t *testing.T, srv *webtest.Server, u *user, method, path, contentType string, body io.Reader, hdr ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if u != nil {
		req.Header.Set("Authorization", "Bearer "+u.token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// get fetches path as u (nil: anonymous), expecting status want, into v.
func get(t *testing.T, srv *webtest.Server, u *user, path string, want int, v any) http.Header {
	t.Helper()
	res := do(t, srv, u, "GET", path, "", nil)
	decode(t, res, want, v)
	return res.Header
}

// postJSON posts a JSON body as u.
func postJSON(t *testing.T, u *user, path string, body any, want int, v any, hdr ...string) {
	t.Helper()
	b, _ := json.Marshal(body)
	decode(t, do(t, u.srv, u, "POST", path, "application/json", bytes.NewReader(b), hdr...), want, v)
}

// postForm posts a form body as u.
func postForm(t *testing.T, u *user, path string, form url.Values, want int, v any) {
	t.Helper()
	decode(t, do(t, u.srv, u, "POST", path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode())), want, v)
}

// postMultipart posts a multipart body as u.
func postMultipart(t *testing.T, u *user, path string, fields [][2]string, want int, v any) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range fields {
		_ = w.WriteField(f[0], f[1])
	}
	_ = w.Close()
	decode(t, do(t, u.srv, u, "POST", path, w.FormDataContentType(), &buf), want, v)
}

// status is the part of a Status entity the tests read.
type status struct {
	ID                 string  `json:"id"`
	URI                string  `json:"uri"`
	URL                *string `json:"url"`
	CreatedAt          string  `json:"created_at"`
	Content            string  `json:"content"`
	Visibility         string  `json:"visibility"`
	Sensitive          bool    `json:"sensitive"`
	SpoilerText        string  `json:"spoiler_text"`
	Language           *string `json:"language"`
	InReplyToID        *string `json:"in_reply_to_id"`
	InReplyToAccountID *string `json:"in_reply_to_account_id"`
	RepliesCount       int     `json:"replies_count"`
	Text               *string `json:"text"`
	Account            struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Acct     string `json:"acct"`
	} `json:"account"`
	Mentions []struct {
		ID, Username, URL, Acct string
	} `json:"mentions"`
	Tags []struct{ Name, URL string } `json:"tags"`
}

// post creates a status as u with the JSON body fields.
func post(t *testing.T, u *user, fields map[string]any) status {
	t.Helper()
	var st status
	postJSON(t, u, "/api/v1/statuses", fields, 200, &st)
	return st
}

// ids lists the IDs of statuses.
func ids(sts []status) []string {
	out := make([]string, len(sts))
	for i, s := range sts {
		out[i] = s.ID
	}
	return out
}

// errorBody is a Mastodon error.
type errorBody struct {
	Error string `json:"error"`
}

// idStr formats a stored ID.
func idStr(id int64) string {
	return strings.TrimSpace(strings.Replace(string(mustJSON(id)), `"`, "", -1))
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
