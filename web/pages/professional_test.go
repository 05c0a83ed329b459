package pages_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// browser is a cookie-keeping client that does not follow redirects.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, srv *webtest.Server) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: srv.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
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

// signIn signs the browser in through /auth/sign_in.
func (b *browser) signIn(login string) {
	b.t.Helper()
	_, page := b.do("GET", "/auth/sign_in?return_to=/directory", nil)
	res, body := b.do("POST", "/auth/sign_in", url.Values{
		"authenticity_token": {b.csrf(page)}, "return_to": {"/directory"}, "login": {login}, "password": {webtest.Password},
	})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/directory" {
		b.t.Fatalf("sign in %s: %d %s", login, res.StatusCode, body)
	}
}

type proFixture struct {
	srv   *webtest.Server
	creds *credential.Service
}

func newProFixture(t *testing.T, s *storage.Store) *proFixture {
	srv := webtest.Start(t, s)
	return &proFixture{srv: srv, creds: srv.Credentials}
}

func (f *proFixture) create(t *testing.T, username, role string) *storage.Account {
	t.Helper()
	a, err := f.srv.Accounts.Create(context.Background(), account.NewAccount{
		Username: username, Email: username + "@example.org", Password: webtest.Password, Role: role, Approved: true, Confirmed: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (f *proFixture) follow(t *testing.T, a, target *storage.Account) {
	t.Helper()
	if err := f.srv.Store.UpsertFollow(context.Background(), &storage.Follow{AccountID: a.ID, TargetAccountID: target.ID, ShowReblogs: true}); err != nil {
		t.Fatal(err)
	}
}

func (f *proFixture) verify(t *testing.T, username, cred string) {
	t.Helper()
	if _, err := f.creds.Verify(context.Background(), credential.Staff{Via: storage.VerifiedViaCLI}, username, cred); err != nil {
		t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }

// The audience table through the HTML profile page.
func TestProfilePageAudiences(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newProFixture(t, s)
		ctx := context.Background()
		owner := f.create(t, "owner", "")
		_, err := f.creds.Update(ctx, owner, credential.Patch{
			Specialty: ptr("radiology"), Subspecialties: ptr([]string{"pediatric"}),
			Institution: ptr("Mercy General"), Profession: ptr("physician"), Department: ptr("Pediatric imaging"),
			Audience: map[credential.Field]visibility.Audience{
				credential.FieldInstitution: "followers", credential.FieldProfession: "physicians", credential.FieldDepartment: "only_me",
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		f.verify(t, "owner", "MD, ABR pediatric radiology")
		f.create(t, "stranger", "")
		f.follow(t, f.create(t, "follower", ""), owner)
		f.create(t, "physician", "")
		f.verify(t, "physician", "MD")
		f.create(t, "boss", account.RoleAdmin)

		for _, tc := range []struct {
			login string
			want  [4]bool // public, followers, physicians, only_me
		}{
			{"", [4]bool{true, false, false, false}},
			{"stranger", [4]bool{true, false, false, false}},
			{"follower", [4]bool{true, true, false, false}},
			{"physician", [4]bool{true, false, true, false}},
			{"owner", [4]bool{true, true, true, true}},
			{"boss", [4]bool{true, false, false, false}},
		} {
			b := newBrowser(t, f.srv)
			if tc.login != "" {
				b.signIn(tc.login)
			}
			res, page := b.do("GET", "/@owner", nil)
			if res.StatusCode != 200 {
				t.Fatalf("%s: %d", tc.login, res.StatusCode)
			}
			got := [4]bool{
				strings.Contains(page, "<dt>Specialty</dt><dd>Radiology — Pediatric</dd>"),
				strings.Contains(page, "Mercy General"),
				strings.Contains(page, "<dt>Profession</dt><dd>Physician</dd>"),
				strings.Contains(page, "Pediatric imaging"),
			}
			if got != tc.want {
				t.Errorf("viewer %q: shown %v, want %v", tc.login, got, tc.want)
			}
			if !strings.Contains(page, "Verified physician</span> MD, ABR pediatric radiology — verified by "+f.srv.Instance.Domain) {
				t.Errorf("viewer %q: no verification badge", tc.login)
			}
			if tc.login != "" && res.Header.Get("Cache-Control") != "private, no-store" {
				t.Errorf("viewer %q: Cache-Control %q", tc.login, res.Header.Get("Cache-Control"))
			}
			if own := strings.Contains(page, `href="/settings/profile"`); own != (tc.login == "owner") {
				t.Errorf("viewer %q: edit link %v", tc.login, own)
			}
		}
	})
}

func TestSettingsPage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newProFixture(t, s)
		resident := f.create(t, "resident", "")

		b := newBrowser(t, f.srv)
		res, _ := b.do("GET", "/settings/profile", nil)
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/auth/sign_in?return_to=%2Fsettings%2Fprofile") {
			t.Fatalf("anonymous settings: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		b.signIn("resident")
		res, page := b.do("GET", "/settings/profile", nil)
		if res.StatusCode != 200 || !strings.Contains(page, `name="audiences[training]"`) || !strings.Contains(page, `value="neuroradiology"`) {
			t.Fatalf("settings page: %d\n%s", res.StatusCode, page)
		}
		form := url.Values{
			"authenticity_token": {b.csrf(page)}, "profession": {"trainee"}, "specialty": {"radiology"},
			"subspecialties": {"neuroradiology", "interventional"}, "institution": {"Mercy General"},
			"training_program": {"Mercy Diagnostic Radiology"}, "training_stage": {"resident"}, "training_year": {"2"},
			"graduation_year": {"2029"}, "languages": {"English\r\nPortuguese\r\n"}, "accepting_mentees": {"1"},
			"audiences[training_program]": {"public"}, "audiences[training]": {"physicians"}, "audiences[specialty]": {"public"},
		}
		res, body := b.do("POST", "/settings/profile", form)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/settings/profile?saved=1" {
			t.Fatalf("save: %d %s", res.StatusCode, body)
		}
		card, err := f.creds.Own(context.Background(), resident)
		if err != nil {
			t.Fatal(err)
		}
		p := card.Profile
		if p.Specialty != "radiology" || len(p.Subspecialties) != 2 || p.TrainingYear != 2 || p.GraduationYear != 2029 ||
			len(p.Languages) != 2 || !p.AcceptingMentees || p.AcceptingConsults ||
			p.AudienceOf(credential.FieldTraining) != "physicians" || p.AudienceOf(credential.FieldTrainingProgram) != "public" {
			t.Fatalf("stored = %+v", p)
		}
		_, page = b.do("GET", "/settings/profile?saved=1", nil)
		if !strings.Contains(page, "Saved.") || !strings.Contains(page, `value="Mercy General"`) {
			t.Errorf("after save:\n%s", page)
		}

		// A refused value: 422, the reason, the form as sent, nothing stored.
		form.Set("subspecialties", "cardiac_surgery")
		form.Set("institution", "Changed Hospital")
		res, body = b.do("POST", "/settings/profile", form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "subspecialties") || !strings.Contains(body, `value="Changed Hospital"`) {
			t.Fatalf("refused save: %d\n%s", res.StatusCode, body)
		}
		if card, _ := f.creds.Own(context.Background(), resident); card.Profile.Institution != "Mercy General" {
			t.Error("a refused save changed the profile")
		}
		// Without the CSRF token: 403.
		form.Del("authenticity_token")
		if res, _ := b.do("POST", "/settings/profile", form); res.StatusCode != http.StatusForbidden {
			t.Errorf("no CSRF: %d", res.StatusCode)
		}
	})
}

func TestAdminVerificationPages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newProFixture(t, s)
		ctx := context.Background()
		rivera := f.create(t, "rivera", "")
		if _, err := f.srv.Accounts.CreatePersona(ctx, rivera, account.NewPersona{Username: "ana"}); err != nil {
			t.Fatal(err)
		}
		f.create(t, "boss", account.RoleAdmin)
		f.create(t, "mod", account.RoleModerator)
		f.create(t, "member", "")

		// Anonymous: sign in first; members: 403.
		anon := newBrowser(t, f.srv)
		if res, _ := anon.do("GET", "/admin/accounts/rivera", nil); res.StatusCode != http.StatusSeeOther {
			t.Errorf("anonymous admin page: %d", res.StatusCode)
		}
		member := newBrowser(t, f.srv)
		member.signIn("member")
		res, page := member.do("GET", "/admin/accounts/rivera", nil)
		if res.StatusCode != http.StatusForbidden || strings.Contains(page, "@ana") {
			t.Errorf("member admin page: %d", res.StatusCode)
		}
		_, prof := member.do("GET", "/@rivera", nil)
		res, _ = member.do("POST", "/admin/accounts/rivera/verify", url.Values{"authenticity_token": {member.csrf(prof)}, "credential": {"MD"}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("member verify: %d", res.StatusCode)
		}

		// A moderator verifies; the history names them.
		mod := newBrowser(t, f.srv)
		mod.signIn("mod")
		res, page = mod.do("GET", "/admin/accounts/rivera", nil)
		if res.StatusCode != 200 || strings.Contains(page, "@ana") || strings.Contains(page, "Other personas") {
			t.Fatalf("moderator page: %d (personas must be for admins only)\n%s", res.StatusCode, page)
		}
		res, body := mod.do("POST", "/admin/accounts/rivera/verify", url.Values{"authenticity_token": {mod.csrf(page)}, "credential": {" "}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "credential is missing") {
			t.Errorf("empty credential: %d", res.StatusCode)
		}
		res, _ = mod.do("POST", "/admin/accounts/rivera/verify", url.Values{"authenticity_token": {mod.csrf(page)}, "credential": {"MD, ABR <diagnostic> radiology"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("verify: %d", res.StatusCode)
		}
		card, _ := f.creds.Own(ctx, rivera)
		if card.Verification == nil || card.Verification.Credential != "MD, ABR <diagnostic> radiology" {
			t.Fatalf("not verified: %+v", card.Verification)
		}
		_, page = mod.do("GET", "/admin/accounts/rivera?done=verified", nil)
		if !strings.Contains(page, "@mod (web)") || !strings.Contains(page, "MD, ABR &lt;diagnostic&gt; radiology") {
			t.Errorf("history lacks who:\n%s", page)
		}

		// An admin sees the other personas, and revokes.
		boss := newBrowser(t, f.srv)
		boss.signIn("boss")
		_, page = boss.do("GET", "/admin/accounts/rivera", nil)
		if !strings.Contains(page, `<a href="/admin/accounts/ana">@ana</a>`) {
			t.Errorf("admin does not see the personas:\n%s", page)
		}
		_, list := boss.do("GET", "/admin/accounts?q=riv", nil)
		if !strings.Contains(list, "@rivera") || strings.Contains(list, "@member") {
			t.Errorf("admin list:\n%s", list)
		}
		res, _ = boss.do("POST", "/admin/accounts/rivera/unverify", url.Values{"authenticity_token": {boss.csrf(page)}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("unverify: %d", res.StatusCode)
		}
		res, _ = boss.do("POST", "/admin/accounts/rivera/unverify", url.Values{"authenticity_token": {boss.csrf(page)}})
		if res.StatusCode != http.StatusConflict {
			t.Errorf("second unverify: %d", res.StatusCode)
		}
		_, hist, _ := f.creds.History(ctx, "rivera")
		if len(hist) != 1 || hist[0].RevokedAt == nil || hist[0].RevokedVia != storage.VerifiedViaWeb {
			t.Errorf("history = %+v", hist)
		}
		if res, _ := boss.do("GET", "/admin/accounts/nobody", nil); res.StatusCode != 404 {
			t.Errorf("unknown account: %d", res.StatusCode)
		}
		// The public profile pages never link the personas.
		for _, u := range []string{"/@rivera", "/@ana"} {
			_, page := anon.do("GET", u, nil)
			other := "ana"
			if u == "/@ana" {
				other = "rivera"
			}
			if strings.Contains(page, other) {
				t.Errorf("%s names @%s", u, other)
			}
		}
	})
}

func TestDirectoryPage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newProFixture(t, s)
		ctx := context.Background()
		for _, p := range []struct {
			user, specialty, sub, institution string
			aud                               visibility.Audience
		}{
			{"neuro", "radiology", "neuroradiology", "Mercy General", "public"},
			{"quiet", "radiology", "neuroradiology", "Mercy General", "followers"},
			{"cardio", "cardiology", "", "St. Elsewhere", "public"},
		} {
			a := f.create(t, p.user, "")
			pt := credential.Patch{Specialty: ptr(p.specialty), Institution: ptr(p.institution),
				Audience: map[credential.Field]visibility.Audience{credential.FieldSpecialty: p.aud, credential.FieldSubspecialties: p.aud, credential.FieldInstitution: p.aud}}
			if p.sub != "" {
				pt.Subspecialties = ptr([]string{p.sub})
			}
			if _, err := f.creds.Update(ctx, a, pt); err != nil {
				t.Fatal(err)
			}
		}
		fan := f.create(t, "fan", "")
		quiet, _ := s.AccountByUsername(ctx, "quiet", "")
		f.follow(t, fan, quiet)

		anon := newBrowser(t, f.srv)
		res, page := anon.do("GET", "/directory?specialty=radiology&subspecialty=neuroradiology", nil)
		if res.StatusCode != 200 || !strings.Contains(page, "@neuro@") || strings.Contains(page, "@quiet@") || strings.Contains(page, "@cardio@") {
			t.Errorf("anonymous directory: %d\n%s", res.StatusCode, page)
		}
		b := newBrowser(t, f.srv)
		b.signIn("fan")
		_, page = b.do("GET", "/directory?specialty=radiology&institution=mercy", nil)
		if !strings.Contains(page, "@neuro@") || !strings.Contains(page, "@quiet@") || !strings.Contains(page, "Signed in as @fan") {
			t.Errorf("follower directory:\n%s", page)
		}
		res, page = anon.do("GET", "/directory?specialty=astrology", nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "specialty is not a known specialty") {
			t.Errorf("bad filter: %d", res.StatusCode)
		}
	})
}
