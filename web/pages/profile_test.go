package pages_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

func get(t *testing.T, u string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

// setProfile writes a note and the discoverable flag the way a later
// profile editor will, straight into the accounts table.
func setProfile(t *testing.T, s *storage.Store, id int64, note string, discoverable bool) {
	t.Helper()
	if _, err := s.DB().Exec(`UPDATE accounts SET note = $1, discoverable = $2 WHERE id = $3`, note, discoverable, id); err != nil {
		t.Fatal(err)
	}
}

func TestProfilePage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		ctx := context.Background()
		alice, err := srv.Accounts.Create(ctx, account.NewAccount{
			Username: "alice", Email: "alice@example.org", Password: webtest.Password,
			DisplayName: `<script>alert(1)</script>`, Approved: true, Confirmed: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		setProfile(t, s, alice.ID, "Cardiology <b>fellow</b> & \"teacher\"\nsecond line\n\nnew paragraph", true)

		for _, path := range []string{"/@alice", "/@ALICE", "/users/alice"} {
			res, body := get(t, srv.URL+path)
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("GET %s = %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
			}
			if res.Header.Get("Vary") != "Accept" {
				t.Errorf("GET %s: Vary = %q", path, res.Header.Get("Vary"))
			}
			for _, want := range []string{
				`<html lang="en">`,
				`<link rel="alternate" type="application/activity+json" href="` + srv.URL + `/users/alice">`,
				`<main id="main">`,
				`&lt;script&gt;alert(1)&lt;/script&gt;`,
				`@alice@` + srv.Instance.Domain,
				`Cardiology &lt;b&gt;fellow&lt;/b&gt; &amp; &#34;teacher&#34;<br>second line</p>`,
				`<p>new paragraph</p>`,
			} {
				if !strings.Contains(body, want) {
					t.Errorf("GET %s lacks %q in:\n%s", path, want, body)
				}
			}
			for _, bad := range []string{"<script>", "<b>fellow", "PRIVATE KEY", `name="robots"`} {
				if strings.Contains(body, bad) {
					t.Errorf("GET %s holds %q", path, bad)
				}
			}
		}

		// An account that is not discoverable asks not to be indexed.
		setProfile(t, s, alice.ID, "", false)
		if _, body := get(t, srv.URL+"/@alice"); !strings.Contains(body, `<meta name="robots" content="noindex, noarchive">`) {
			t.Errorf("no noindex for an undiscoverable account:\n%s", body)
		}
		// With no display name, the username stands in.
		srv.CreateAccount(t, "bob")
		if _, body := get(t, srv.URL+"/@bob"); !strings.Contains(body, `<h1 id="profile-name" class="p-name">bob</h1>`) {
			t.Errorf("bob's page:\n%s", body)
		}
	})
}

func TestProfilePageErrors(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		srv.CreateAccount(t, "carol")
		if err := srv.Accounts.SetSuspended(context.Background(), "carol", true); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			path   string
			status int
			text   string
		}{
			{"/@nobody", 404, "Not found"},
			{"/@" + srv.Instance.Host(), 404, "Not found"}, // the instance actor has no profile page
			{"/@carol", 410, "Account suspended"},
		} {
			res, body := get(t, srv.URL+tc.path)
			if res.StatusCode != tc.status || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
				!strings.Contains(body, tc.text) || !strings.Contains(body, `name="robots"`) {
				t.Errorf("GET %s = %d %s:\n%s", tc.path, res.StatusCode, res.Header.Get("Content-Type"), body)
			}
		}
	})
}

func TestStatic(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		for _, tc := range []struct {
			path, contentType string
			status            int
		}{
			{"/static/thumbnail.png", "image/png", 200},
			{"/static/rounds.css", "text/css; charset=utf-8", 200},
			{"/static/nothing.png", "", 404},
			{"/static/../pages.go", "", 404},
		} {
			res, body := get(t, srv.URL+tc.path)
			if res.StatusCode != tc.status {
				t.Errorf("GET %s = %d", tc.path, res.StatusCode)
				continue
			}
			if tc.status == 200 && (res.Header.Get("Content-Type") != tc.contentType || len(body) == 0) {
				t.Errorf("GET %s: Content-Type %q, %d bytes", tc.path, res.Header.Get("Content-Type"), len(body))
			}
		}
	})
}
