package pages_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/core/media/mediatest"
	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// Texts that must never reach a viewer outside their status's audience.
const (
	privateText   = "PRIVATE-followers-only-case-text"
	directText    = "DIRECT-message-to-bob"
	suspendedText = "SUSPENDED-author-text"
)

// statusFixture is an instance with alice's statuses of every visibility,
// bob following alice, carol following nobody, and dave suspended.
type statusFixture struct {
	srv                  *webtest.Server
	alice, bob, carol    *storage.Account
	ids                  map[string]int64
	publicMedia, private string
}

func newStatusFixture(t *testing.T, s *storage.Store) *statusFixture {
	t.Helper()
	ctx := context.Background()
	f := &proFixture{srv: webtest.Start(t, s)}
	sf := &statusFixture{srv: f.srv, ids: map[string]int64{}}
	sf.alice, sf.bob, sf.carol = f.create(t, "alice", ""), f.create(t, "bob", ""), f.create(t, "carol", "")
	dave := f.create(t, "dave", "")
	f.follow(t, sf.bob, sf.alice)
	upload := func(desc string) string {
		m, err := f.srv.Media.Create(ctx, sf.alice.ID, media.Upload{File: mediatest.JPEG(t, 64, 48, 1), Description: &desc}, true)
		if err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(m.ID, 10)
	}
	for _, p := range []struct {
		key    string
		author *storage.Account
		d      post.Draft
	}{
		{"public", sf.alice, post.Draft{Text: "A public <b>case</b> pearl #Cardiology", Visibility: "public", MediaIDs: []string{upload("Chest X-ray, public")}}},
		{"unlisted", sf.alice, post.Draft{Text: "An unlisted note #cardiology", Visibility: "unlisted"}},
		{"spoiler", sf.alice, post.Draft{Text: "Behind a warning", SpoilerText: "Graphic image", Visibility: "public"}},
		{"private", sf.alice, post.Draft{Text: privateText + " #cardiology", Visibility: "private", MediaIDs: []string{upload("Chest X-ray, private")}}},
		{"direct", sf.alice, post.Draft{Text: "@bob " + directText + " #cardiology", Visibility: "direct"}},
		{"suspended", dave, post.Draft{Text: suspendedText + " #cardiology", Visibility: "public"}},
	} {
		st, err := f.srv.Posts.Create(ctx, p.author, p.d)
		if err != nil {
			t.Fatalf("%s: %v", p.key, err)
		}
		sf.ids[p.key] = st.ID
	}
	for _, p := range []struct{ key, parent, vis string }{{"reply", "public", "public"}, {"reply-to-private", "private", "public"}} {
		st, err := f.srv.Posts.Create(ctx, sf.alice, post.Draft{Text: "A reply (" + p.key + ")", Visibility: p.vis, InReplyToID: sf.ids[p.parent]})
		if err != nil {
			t.Fatalf("%s: %v", p.key, err)
		}
		sf.ids[p.key] = st.ID
	}
	st, err := f.srv.Posts.Create(ctx, sf.alice, post.Draft{Text: "Deleted-public-text", Visibility: "public"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.srv.Posts.Delete(ctx, sf.alice, st.ID, false); err != nil {
		t.Fatal(err)
	}
	sf.ids["deleted"] = st.ID
	if err := f.srv.Accounts.SetSuspended(ctx, "dave", true); err != nil {
		t.Fatal(err)
	}
	return sf
}

// path is the page of the status key under username's name.
func (sf *statusFixture) path(username, key string) string {
	return "/@" + username + "/" + strconv.FormatInt(sf.ids[key], 10)
}

// The status page shows a status exactly to those timeline.Get shows it
// to, and answers everyone else the 404 page of an unknown ID.
func TestStatusPageAudiences(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		sf := newStatusFixture(t, s)
		viewers := map[string]*browser{"anonymous": newBrowser(t, sf.srv)}
		for _, name := range []string{"bob", "carol", "alice"} {
			b := newBrowser(t, sf.srv)
			b.signIn(name)
			viewers[name] = b
		}
		_, unknownPage := viewers["anonymous"].do("GET", "/@alice/999999999999", nil)

		// shown maps viewers to 200; every other viewer gets 404.
		all := []string{"anonymous", "bob", "carol", "alice"}
		for _, tc := range []struct {
			name  string
			path  string
			shown []string
			text  string
		}{
			{"public", sf.path("alice", "public"), all, "A public &lt;b&gt;case&lt;/b&gt; pearl"},
			{"public, name in other case", sf.path("ALICE", "public"), all, "A public &lt;b&gt;case&lt;/b&gt; pearl"},
			{"unlisted", sf.path("alice", "unlisted"), all, "An unlisted note"},
			{"private", sf.path("alice", "private"), []string{"bob", "alice"}, privateText},
			{"direct", sf.path("alice", "direct"), []string{"bob", "alice"}, directText},
			{"suspended author", sf.path("dave", "suspended"), nil, suspendedText},
			{"deleted", sf.path("alice", "deleted"), nil, "Deleted-public-text"},
			{"another's status", sf.path("carol", "public"), nil, ""},
			{"another's private status", sf.path("bob", "private"), nil, ""},
			{"unknown id", "/@alice/999999999999", nil, ""},
			{"unknown account", sf.path("nobody", "public"), nil, ""},
			{"remote-style name", sf.path("alice@example.org", "public"), nil, ""},
			{"not an id", "/@alice/abc", nil, ""},
		} {
			for _, who := range all {
				res, body := viewers[who].do("GET", tc.path, nil)
				want := http.StatusNotFound
				for _, s := range tc.shown {
					if s == who {
						want = http.StatusOK
					}
				}
				if res.StatusCode != want || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
					t.Errorf("%s as %s: %d %s, want %d", tc.name, who, res.StatusCode, res.Header.Get("Content-Type"), want)
					continue
				}
				if want == http.StatusNotFound {
					if tc.text != "" && strings.Contains(body, tc.text) {
						t.Errorf("%s as %s: the 404 page holds the status's text", tc.name, who)
					}
					if who == "anonymous" && body != unknownPage {
						t.Errorf("%s as %s: the 404 differs from an unknown ID's:\n%s", tc.name, who, body)
					}
					continue
				}
				if !strings.Contains(body, tc.text) {
					t.Errorf("%s as %s: no %q in:\n%s", tc.name, who, tc.text, body)
				}
				if who != "anonymous" && res.Header.Get("Cache-Control") != "private, no-store" {
					t.Errorf("%s as %s: Cache-Control %q", tc.name, who, res.Header.Get("Cache-Control"))
				}
			}
		}

		// Nothing anyone outside the audience can reach holds the private
		// or direct text: the pages above, the hashtag pages, the profile.
		for _, who := range []string{"anonymous", "carol"} {
			for _, p := range []string{
				"/tags/cardiology", "/@alice", "/users/alice", sf.path("alice", "reply-to-private"),
				sf.path("alice", "private"), sf.path("alice", "direct"), sf.path("dave", "suspended"),
			} {
				_, body := viewers[who].do("GET", p, nil)
				for _, secret := range []string{privateText, directText, "Chest X-ray, private"} {
					if strings.Contains(body, secret) {
						t.Errorf("GET %s as %s holds %q", p, who, secret)
					}
				}
			}
		}
	})
}

// What a status page shows: author, the API's content, the content
// warning, attachments, hashtags, time, the parent, and the head's tags.
func TestStatusPageContent(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		sf := newStatusFixture(t, s)
		anon := newBrowser(t, sf.srv)
		api := func(key string) map[string]any {
			t.Helper()
			res, err := http.Get(sf.srv.URL + "/api/v1/statuses/" + strconv.FormatInt(sf.ids[key], 10))
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var out map[string]any
			if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != 200 {
				t.Fatalf("API status %s: %d %v", key, res.StatusCode, err)
			}
			return out
		}

		// The url the API gives is the page, and the page holds the
		// API's content byte for byte.
		pub := api("public")
		u := pub["url"].(string)
		if u != sf.srv.URL+sf.path("alice", "public") {
			t.Fatalf("API url %q", u)
		}
		res, body := anon.do("GET", strings.TrimPrefix(u, sf.srv.URL), nil)
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET %s: %d %s", u, res.StatusCode, res.Header.Get("Content-Type"))
		}
		mediaURL := pub["media_attachments"].([]any)[0].(map[string]any)["url"].(string)
		for _, want := range []string{
			pub["content"].(string),
			`<a class="u-url p-name" href="` + sf.srv.URL + `/@alice">alice</a> <span class="acct">@alice@` + sf.srv.Instance.Domain + `</span>`,
			`<a href="` + mediaURL + `">Chest X-ray, public</a>`,
			`<a class="p-category" href="` + sf.srv.URL + `/tags/cardiology" rel="tag">#cardiology</a>`,
			`<time class="dt-published" datetime="`,
			`<meta name="robots" content="noindex, noarchive">`,
			`<link rel="alternate" type="application/activity+json" href="` + sf.srv.URL + `/users/alice/statuses/` + pub["id"].(string) + `">`,
			`<meta property="og:title" content="alice (@alice@` + sf.srv.Instance.Domain + `)">`,
			`<meta property="og:image" content="` + mediaURL + `">`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("public page lacks %q in:\n%s", want, body)
			}
		}
		if strings.Contains(mediaURL, "sig=") || strings.Contains(body, "<b>case") {
			t.Errorf("public page: media %q, or unescaped text:\n%s", mediaURL, body)
		}

		// A content warning folds the text away; no Open Graph tags
		// beyond public statuses.
		_, body = anon.do("GET", sf.path("alice", "spoiler"), nil)
		if !strings.Contains(body, "<details class=\"spoiler\">\n<summary>Graphic image</summary>") ||
			!strings.Contains(body, `<meta property="og:description" content="Graphic image">`) ||
			strings.Contains(body, `og:description" content="Behind`) {
			t.Errorf("spoiler page:\n%s", body)
		}
		if _, body = anon.do("GET", sf.path("alice", "unlisted"), nil); strings.Contains(body, "og:") {
			t.Errorf("unlisted page has Open Graph tags:\n%s", body)
		}
		bob := newBrowser(t, sf.srv)
		bob.signIn("bob")
		_, body = bob.do("GET", sf.path("alice", "private"), nil)
		if strings.Contains(body, "og:") || !strings.Contains(body, "sig=") || !strings.Contains(body, "Signed in as @bob") {
			t.Errorf("private page for a follower: Open Graph tags, or no signed media URL, or no session:\n%s", body)
		}

		// A reply links its parent when the viewer may see it.
		if _, body = anon.do("GET", sf.path("alice", "reply"), nil); !strings.Contains(body, `<a href="`+sf.srv.URL+sf.path("alice", "public")+`" rel="in-reply-to">`) {
			t.Errorf("reply page:\n%s", body)
		}
		_, body = anon.do("GET", sf.path("alice", "reply-to-private"), nil)
		if strings.Contains(body, sf.path("alice", "private")) || !strings.Contains(body, "In reply to a post not shown here") {
			t.Errorf("reply to a private post, anonymous:\n%s", body)
		}
		if _, body = bob.do("GET", sf.path("alice", "reply-to-private"), nil); !strings.Contains(body, sf.path("alice", "private")) {
			t.Errorf("reply to a private post, follower:\n%s", body)
		}

		// A boost's URL goes to the boosted status.
		boost, err := sf.srv.Posts.Reblog(context.Background(), sf.bob, sf.ids["public"], "public")
		if err != nil {
			t.Fatal(err)
		}
		res, _ = anon.do("GET", "/@bob/"+strconv.FormatInt(boost.ID, 10), nil)
		if res.StatusCode != http.StatusFound || res.Header.Get("Location") != sf.srv.URL+sf.path("alice", "public") {
			t.Errorf("boost: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
	})
}

// /@user/ID answers ActivityStreams requests with the Note, as
// /users/user/statuses/ID does, and that URL sends browsers to the page.
func TestStatusPageActivityPub(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		sf := newStatusFixture(t, s)
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		get := func(path, accept string) (*http.Response, string) {
			t.Helper()
			req, _ := http.NewRequest(http.MethodGet, sf.srv.URL+path, nil)
			req.Header.Set("Accept", accept)
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res, string(b)
		}
		for _, key := range []string{"public", "private", "direct"} {
			id := strconv.FormatInt(sf.ids[key], 10)
			for _, accept := range []string{"application/activity+json", `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`} {
				res, body := get("/@alice/"+id, accept)
				apRes, apBody := get("/users/alice/statuses/"+id, "application/activity+json")
				if res.StatusCode != apRes.StatusCode || body != apBody || res.Header.Get("Content-Type") != apRes.Header.Get("Content-Type") {
					t.Errorf("%s, Accept %s: %d %q, want as the object URL: %d %q", key, accept, res.StatusCode, body, apRes.StatusCode, apBody)
				}
				if !strings.Contains(res.Header.Get("Vary"), "Accept") {
					t.Errorf("%s: Vary %q", key, res.Header.Get("Vary"))
				}
				if key == "public" && (res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/activity+json" ||
					!strings.Contains(body, fmt.Sprintf(`"id":"%s/users/alice/statuses/%s"`, sf.srv.URL, id))) {
					t.Errorf("public Note: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), body)
				}
				if key != "public" && (res.StatusCode != 404 || strings.Contains(body, privateText) || strings.Contains(body, directText)) {
					t.Errorf("%s Note, unsigned: %d %s", key, res.StatusCode, body)
				}
			}
			// A browser at the object URL goes to the page.
			res, _ := get("/users/alice/statuses/"+id, "text/html")
			if want := sf.srv.URL + "/@alice/" + id; res.StatusCode != http.StatusFound || res.Header.Get("Location") != want {
				t.Errorf("browser at %s's object URL: %d %s", key, res.StatusCode, res.Header.Get("Location"))
			}
		}
	})
}
