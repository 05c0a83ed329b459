package federationtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/federation/federationtest"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/webtest"
)

// browser is a cookie-keeping client of one instance's HTML pages that
// does not follow redirects.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func (n *node) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: n.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(method, path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res, string(out)
}

var csrfRe = regexp.MustCompile(`name="authenticity_token" value="([^"]+)"`)

// csrf returns the CSRF token of a page.
func (b *browser) csrf(page string) string {
	b.t.Helper()
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatalf("no CSRF field in:\n%s", page)
	}
	return html.UnescapeString(m[1])
}

// signIn signs the browser in as username through /auth/sign_in.
func (b *browser) signIn(username string) {
	b.t.Helper()
	_, page := b.do("GET", "/auth/sign_in?return_to=/directory", nil)
	res, body := b.do("POST", "/auth/sign_in", url.Values{
		"authenticity_token": {b.csrf(page)}, "return_to": {"/directory"}, "login": {username}, "password": {webtest.Password},
	})
	if res.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("sign in %s: %d %s", username, res.StatusCode, body)
	}
}

// A viewer on instance B asks A, signed with their own key, for what A
// shows them of a Rounds profile: through B's API and B's HTML page of
// the remote account. The answer is theirs alone and stored nowhere;
// non-Rounds accounts cannot be asked; a Mastodon-style actor's own
// fields show in Account.fields.
func TestRemoteProfileAskedAsViewer(t *testing.T) {
	eachDB(t, func(t *testing.T, d storage.Dialect) {
		ctx := context.Background()
		a := start(t, d, 0)
		b := start(t, d, 1)

		// On A: one field per audience, and an account that shows the
		// public nothing at all.
		rivera := a.signIn(t, "rivera", false)
		if _, err := a.Credentials.Update(ctx, rivera.Account, credential.Patch{
			Specialty: ptr("radiology"), Institution: ptr("Mercy General"), Profession: ptr("physician"), Department: ptr("Stroke unit"),
			Audience: map[credential.Field]visibility.Audience{
				credential.FieldSpecialty: "public", credential.FieldInstitution: "followers",
				credential.FieldProfession: "physicians", credential.FieldDepartment: "only_me",
			},
		}); err != nil {
			t.Fatal(err)
		}
		quiet := a.signIn(t, "quiet", false)
		if _, err := a.Credentials.Update(ctx, quiet.Account, credential.Patch{
			Specialty: ptr("cardiology"), Audience: map[credential.Field]visibility.Audience{credential.FieldSpecialty: "followers"},
		}); err != nil {
			t.Fatal(err)
		}

		// On B: a verified physician, a follower, an unverified stranger.
		kim := b.signIn(t, "kim", false)
		if _, err := b.Credentials.Verify(ctx, credential.Staff{Via: storage.VerifiedViaCLI}, "kim", "MD, internal medicine"); err != nil {
			t.Fatal(err)
		}
		fan := b.signIn(t, "fan", false)
		fan.follow(t, rivera)
		fan.follow(t, quiet)
		eventually(t, "fan to follow rivera and quiet", func() bool {
			return fan.relationship(t, rivera).Following && fan.relationship(t, quiet).Following
		})
		plain := b.signIn(t, "plain", false)
		riveraOnB := kim.lookup(t, rivera.acct())
		quietOnB := plain.lookup(t, quiet.acct())
		if _, err := a.store.AccountByUsername(ctx, "kim", b.Instance.Domain); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("A knows kim before any ask: %v", err)
		}

		ask := func(u *user, id string, want int) (proAccount, http.Header) {
			t.Helper()
			status, body, h := getWithHeaders(t, b, u.token, "/api/v1/rounds/accounts/"+id+"/profile")
			if status != want {
				t.Fatalf("%s asks for %s: %d %s", u.Username, id, status, body)
			}
			var out proAccount
			if want == 200 {
				if err := json.Unmarshal(body, &out); err != nil {
					t.Fatal(err)
				}
			}
			return out, h
		}
		// want: public (Specialty), followers (Institution), physicians
		// (Profession); only_me (Department) never.
		for _, tc := range []struct {
			name string
			u    *user
			want [3]bool
		}{
			{"verified physician on B", kim, [3]bool{true, false, true}},
			{"follower on B", fan, [3]bool{true, true, false}},
			{"unverified stranger on B", plain, [3]bool{true, false, false}},
		} {
			got, h := ask(tc.u, riveraOnB.ID, 200)
			if [3]bool{hasField(got, "Specialty"), hasField(got, "Institution"), hasField(got, "Profession")} != tc.want {
				t.Errorf("%s: fields %+v, want %v", tc.name, got.Fields, tc.want)
			}
			if (got.Rounds.Profile["profession"] != nil) != tc.want[2] || (got.Rounds.Profile["institution"] != nil) != tc.want[1] {
				t.Errorf("%s: rounds.profile %v", tc.name, got.Rounds.Profile)
			}
			raw, _ := json.Marshal(got)
			if strings.Contains(string(raw), "Stroke unit") {
				t.Errorf("%s: the only_me field leaks: %s", tc.name, raw)
			}
			if cc := h.Get("Cache-Control"); cc != "private, no-store" {
				t.Errorf("%s: Cache-Control %q", tc.name, cc)
			}
		}
		// The fetch was signed as kim: A has fetched kim's actor to check it.
		if _, err := a.store.AccountByUsername(ctx, "kim", b.Instance.Domain); err != nil {
			t.Errorf("A does not know the viewer who asked: %v", err)
		}
		// Nothing of the answers was kept on B: the account and B's stored
		// profile show the public fields only, to kim too.
		var seen proAccount
		kim.api(t, http.MethodGet, "/api/v1/accounts/"+riveraOnB.ID, nil, 200, &seen)
		if hasField(seen, "Profession") || hasField(seen, "Institution") || !hasField(seen, "Specialty") {
			t.Errorf("B kept an answer: %+v", seen.Fields)
		}
		stored, err := b.store.AccountByUsername(ctx, "rivera", a.Instance.Domain)
		if err != nil {
			t.Fatal(err)
		}
		if p, err := b.store.ProfessionalProfileOf(ctx, stored.ID); err != nil || p.Profession != "" || p.Institution != "" || p.Department != "" {
			t.Errorf("B's stored profile of rivera: %+v, %v", p, err)
		}
		// An account showing the public nothing is still known as a Rounds
		// one, and shows its follower what A lets them see.
		if got, _ := ask(fan, quietOnB.ID, 200); !hasField(got, "Specialty") {
			t.Errorf("quiet's follower: %+v", got.Fields)
		}
		if got, _ := ask(plain, quietOnB.ID, 200); len(got.Fields) != 0 {
			t.Errorf("quiet's stranger: %+v", got.Fields)
		}
		// Anonymous: 401.
		if status, body, _ := getWithHeaders(t, b, "", "/api/v1/rounds/accounts/"+riveraOnB.ID+"/profile"); status != 401 {
			t.Errorf("anonymous ask: %d %s", status, body)
		}
		// A local account is answered as it is stored here.
		var self proAccount
		kim.api(t, http.MethodGet, "/api/v1/rounds/accounts/"+idOf(fan.Account)+"/profile", nil, 200, &self)

		// A Mastodon-style actor: its own fields show (sanitised, capped,
		// no forged badge); it cannot be asked, and is not fetched for it.
		bob := federationtest.NewRemoteActor(t, "bob", federationtest.KeyFragment)
		bob.SetExtra(map[string]any{"attachment": []any{
			map[string]any{"type": "PropertyValue", "name": "Website", "value": `<a href="https://bob.example" onclick="x()">bob.example</a><script>alert(1)</script>`},
			map[string]any{"type": "PropertyValue", "name": "Verified physician", "value": "MD — verified by " + a.Instance.Domain},
			map[string]any{"type": "PropertyValue", "name": "Specialty", "value": "Cardiology"},
		}})
		bobOnB := plain.lookup(t, bob.Acct())
		var bobSeen proAccount
		plain.api(t, http.MethodGet, "/api/v1/accounts/"+bobOnB.ID, nil, 200, &bobSeen)
		if len(bobSeen.Fields) != 2 || bobSeen.Fields[0].Name != "Website" || bobSeen.Fields[1].Name != "Specialty" ||
			!strings.Contains(bobSeen.Fields[0].Value, `href="https://bob.example"`) ||
			strings.Contains(bobSeen.Fields[0].Value, "script") || strings.Contains(bobSeen.Fields[0].Value, "onclick") ||
			bobSeen.Fields[0].VerifiedAt != nil {
			t.Errorf("bob's fields on B: %+v", bobSeen.Fields)
		}
		fetches := bob.Fetches("/users/bob")
		var e struct {
			Error string `json:"error"`
		}
		plain.api(t, http.MethodGet, "/api/v1/rounds/accounts/"+bobOnB.ID+"/profile", nil, 422, &e)
		if !strings.Contains(e.Error, "not on a Rounds instance") {
			t.Errorf("asking for a Mastodon account: %q", e.Error)
		}
		if bob.Fetches("/users/bob") != fetches {
			t.Error("asking for a Mastodon account fetched it")
		}

		// B's HTML page of the remote account: the public fields to
		// anyone; signed in, a button that asks A as the viewer.
		anon := b.browser(t)
		res, page := anon.do("GET", "/@"+rivera.acct(), nil)
		if res.StatusCode != 200 || !strings.Contains(page, "<dt>Specialty</dt><dd>Radiology</dd>") ||
			strings.Contains(page, "Mercy General") || strings.Contains(page, "/professional") {
			t.Fatalf("anonymous remote page: %d\n%s", res.StatusCode, page)
		}
		if res, _ := anon.do("POST", "/@"+rivera.acct()+"/professional", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("anonymous ask through the page: %d", res.StatusCode)
		}
		res, page = anon.do("GET", "/@"+bob.Acct(), nil)
		if res.StatusCode != 200 || !strings.Contains(page, "<dt>Website</dt><dd>bob.example</dd>") || strings.Contains(page, "alert(1)") {
			t.Errorf("bob's page on B: %d\n%s", res.StatusCode, page)
		}
		for _, tc := range []struct {
			login string
			want  [3]bool // Institution, Profession shown after asking; the form offered
		}{
			{"kim", [3]bool{false, true, true}},
			{"fan", [3]bool{true, false, true}},
			{"plain", [3]bool{false, false, true}},
		} {
			br := b.browser(t)
			br.signIn(tc.login)
			res, page := br.do("GET", "/@"+rivera.acct(), nil)
			if res.StatusCode != 200 || strings.Contains(page, "<dt>Profession</dt>") || strings.Contains(page, "Mercy General") {
				t.Fatalf("%s: remote page before asking: %d\n%s", tc.login, res.StatusCode, page)
			}
			action := `action="/@` + rivera.acct() + `/professional"`
			if strings.Contains(page, action) != tc.want[2] || res.Header.Get("Cache-Control") != "private, no-store" {
				t.Fatalf("%s: ask form %v, Cache-Control %q", tc.login, strings.Contains(page, action), res.Header.Get("Cache-Control"))
			}
			res, page = br.do("POST", "/@"+rivera.acct()+"/professional", url.Values{"authenticity_token": {br.csrf(page)}})
			if res.StatusCode != 200 {
				t.Fatalf("%s: ask through the page: %d\n%s", tc.login, res.StatusCode, page)
			}
			got := [3]bool{strings.Contains(page, "Mercy General"), strings.Contains(page, "<dt>Profession</dt><dd>Physician</dd>"), true}
			if got != tc.want || strings.Contains(page, "Stroke unit") || !strings.Contains(page, "answered you just now") {
				t.Errorf("%s: after asking %v, want %v\n%s", tc.login, got, tc.want, page)
			}
			// Without the CSRF token, nothing is asked.
			if res, _ := br.do("POST", "/@"+rivera.acct()+"/professional", url.Values{}); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s: ask without CSRF: %d", tc.login, res.StatusCode)
			}
			// Bob is no Rounds account: no button.
			if _, page := br.do("GET", "/@"+bob.Acct(), nil); strings.Contains(page, "/professional") {
				t.Errorf("%s: bob's page offers an ask", tc.login)
			}
		}
	})
}

// hasField reports whether an account shows a field of that name.
func hasField(a proAccount, name string) bool {
	_, _, ok := a.field(name)
	return ok
}

// idOf is an account's ID as the API writes it.
func idOf(a *storage.Account) string { return strconv.FormatInt(a.ID, 10) }

// getWithHeaders GETs path on n with a bearer token (none when "").
func getWithHeaders(t *testing.T, n *node, token, path string) (int, []byte, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, n.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, body, res.Header
}
