package oauth_test

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/web/webtest"
)

// response is a finished HTTP exchange, body read.
type response struct {
	Status int
	Header http.Header
	Body   string
}

// JSON decodes the body as a JSON object, failing the test otherwise.
func (r response) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

// Location parses the Location header.
func (r response) Location(t *testing.T) *url.URL {
	t.Helper()
	loc := r.Header.Get("Location")
	if loc == "" {
		t.Fatalf("no Location header (status %d)\n%s", r.Status, r.Body)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatalf("Location %q: %v", loc, err)
	}
	return u
}

// client sends requests without following redirects, keeping cookies
// when it has a jar.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

// newBrowser returns a client with a cookie jar, as a browser has.
func newBrowser(t *testing.T, srv *webtest.Server) *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, base: srv.URL, http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// newAPI returns a client without cookies, as an app has.
func newAPI(t *testing.T, srv *webtest.Server) *client {
	return &client{t: t, base: srv.URL, http: &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// do sends a request; path may be absolute or relative to the server.
func (c *client) do(method, path, contentType string, body io.Reader, header map[string]string) response {
	c.t.Helper()
	target := path
	if strings.HasPrefix(path, "/") {
		target = c.base + path
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

func (c *client) get(path string, header map[string]string) response {
	c.t.Helper()
	return c.do(http.MethodGet, path, "", nil, header)
}

func (c *client) postForm(path string, v url.Values, header map[string]string) response {
	c.t.Helper()
	return c.do(http.MethodPost, path, "application/x-www-form-urlencoded", strings.NewReader(v.Encode()), header)
}

func (c *client) postJSON(path string, v any, header map[string]string) response {
	c.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(http.MethodPost, path, "application/json", bytes.NewReader(b), header)
}

func (c *client) postMultipart(path string, fields [][2]string) response {
	c.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range fields {
		if err := w.WriteField(f[0], f[1]); err != nil {
			c.t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		c.t.Fatal(err)
	}
	return c.do(http.MethodPost, path, w.FormDataContentType(), &buf, nil)
}

// bearer returns the header map of a bearer token.
func bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

// app is a registered client.
type app struct {
	ID, Secret string
	Redirects  []string
}

// registerApp registers an app with the given redirect URIs and scopes.
func registerApp(t *testing.T, srv *webtest.Server, scopes string, redirects ...string) app {
	t.Helper()
	res := newAPI(t, srv).postJSON("/api/v1/apps", map[string]any{
		"client_name": "Test client", "redirect_uris": redirects, "scopes": scopes, "website": "https://client.example",
	}, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("register app: %d %s", res.Status, res.Body)
	}
	m := res.JSON(t)
	return app{ID: m["client_id"].(string), Secret: m["client_secret"].(string), Redirects: redirects}
}

// token posts to /oauth/token from an app, adding the app's credentials.
func (a app) token(t *testing.T, srv *webtest.Server, v url.Values) response {
	t.Helper()
	v.Set("client_id", a.ID)
	v.Set("client_secret", a.Secret)
	return newAPI(t, srv).postForm("/oauth/token", v, nil)
}

// passwordToken signs in with the password grant and returns the token
// response, failing the test unless it succeeds.
func (a app) passwordToken(t *testing.T, srv *webtest.Server, login, scope string) map[string]any {
	t.Helper()
	res := a.token(t, srv, url.Values{"grant_type": {"password"}, "username": {login}, "password": {webtest.Password}, "scope": {scope}})
	if res.Status != http.StatusOK {
		t.Fatalf("password grant for %s: %d %s", login, res.Status, res.Body)
	}
	return res.JSON(t)
}

var inputRe = regexp.MustCompile(`<input[^>]*>`)
var attrRe = regexp.MustCompile(`(\w[\w-]*)="([^"]*)"`)

// formField returns the value of the named input in an HTML page.
func formField(t *testing.T, page, name string) string {
	t.Helper()
	for _, in := range inputRe.FindAllString(page, -1) {
		attrs := map[string]string{}
		for _, m := range attrRe.FindAllStringSubmatch(in, -1) {
			attrs[m[1]] = html.UnescapeString(m[2])
		}
		if attrs["name"] == name {
			return attrs["value"]
		}
	}
	t.Fatalf("no input named %q in page:\n%s", name, page)
	return ""
}

// hiddenFields returns every named input of a page with its value, as a
// browser would submit the form (the buttons excepted).
func hiddenFields(page string) url.Values {
	v := url.Values{}
	for _, in := range inputRe.FindAllString(page, -1) {
		attrs := map[string]string{}
		for _, m := range attrRe.FindAllStringSubmatch(in, -1) {
			attrs[m[1]] = html.UnescapeString(m[2])
		}
		if attrs["type"] == "hidden" && attrs["name"] != "" {
			v.Set(attrs["name"], attrs["value"])
		}
	}
	return v
}

// authorizeURL builds GET /oauth/authorize for an app.
func authorizeURL(a app, redirect string, extra url.Values) string {
	q := url.Values{"client_id": {a.ID}, "redirect_uri": {redirect}, "response_type": {"code"}}
	for k, v := range extra {
		q[k] = v
	}
	return "/oauth/authorize?" + q.Encode()
}

// signInAndApprove walks the browser through sign-in (when asked) and
// consent, and returns the response to the approving POST.
func signInAndApprove(t *testing.T, b *client, authorize, login string) response {
	t.Helper()
	page := b.get(authorize, nil)
	if page.Status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", authorize, page.Status, page.Body)
	}
	if strings.Contains(page.Body, `name="password"`) {
		form := hiddenFields(page.Body)
		form.Set("login", login)
		form.Set("password", webtest.Password)
		res := b.postForm("/oauth/sign_in", form, nil)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("sign in: %d %s", res.Status, res.Body)
		}
		page = b.get(res.Location(t).String(), nil)
		if page.Status != http.StatusOK {
			t.Fatalf("consent page: %d %s", page.Status, page.Body)
		}
	}
	if !strings.Contains(page.Body, `value="approve"`) {
		t.Fatalf("not the consent page:\n%s", page.Body)
	}
	form := hiddenFields(page.Body)
	form.Set("decision", "approve")
	return b.postForm("/oauth/authorize", form, nil)
}

// codeFrom returns the code of an approving redirect, checking its target.
func codeFrom(t *testing.T, res response, redirect string) string {
	t.Helper()
	if res.Status != http.StatusFound {
		t.Fatalf("approve: %d %s", res.Status, res.Body)
	}
	loc := res.Header.Get("Location")
	sep := "?"
	if strings.Contains(redirect, "?") {
		sep = "&"
	}
	if !strings.HasPrefix(loc, redirect+sep) {
		t.Fatalf("approve redirected to %q, want %s%s...", loc, redirect, sep)
	}
	q, err := url.ParseQuery(loc[len(redirect)+1:])
	if err != nil || q.Get("code") == "" {
		t.Fatalf("no code in %q", loc)
	}
	return q.Get("code")
}
