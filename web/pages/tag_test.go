package pages_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// The hashtag page lists the public statuses with the tag and nothing
// narrower, whoever looks.
func TestTagPage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		sf := newStatusFixture(t, s)
		anon := newBrowser(t, sf.srv)
		bob := newBrowser(t, sf.srv)
		bob.signIn("bob")
		for name, b := range map[string]*browser{"anonymous": anon, "bob": bob} {
			for _, path := range []string{"/tags/cardiology", "/tags/Cardiology"} {
				res, body := b.do("GET", path, nil)
				if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
					t.Fatalf("GET %s as %s: %d", path, name, res.StatusCode)
				}
				if !strings.Contains(body, "A public &lt;b&gt;case&lt;/b&gt; pearl") || !strings.Contains(body, `<h1 id="tag-heading">#cardiology</h1>`) {
					t.Errorf("GET %s as %s lacks the public post:\n%s", path, name, body)
				}
				// Unlisted statuses are left off tag timelines, as on Mastodon.
				for _, bad := range []string{privateText, directText, suspendedText, "An unlisted note", "Chest X-ray, private"} {
					if strings.Contains(body, bad) {
						t.Errorf("GET %s as %s holds %q", path, name, bad)
					}
				}
			}
		}

		// A tag nobody used is an empty page; a name that is no hashtag 404.
		if res, body := anon.do("GET", "/tags/nobodyusedthis", nil); res.StatusCode != 200 || !strings.Contains(body, "No public posts here have this hashtag yet.") {
			t.Errorf("unused tag: %d\n%s", res.StatusCode, body)
		}
		for _, path := range []string{"/tags/no-such-tag!", "/tags/cardiology?max_id=abc"} {
			if res, _ := anon.do("GET", path, nil); res.StatusCode != 404 && res.StatusCode != 400 {
				t.Errorf("GET %s: %d", path, res.StatusCode)
			}
		}
		// /api/v1/tags/:name is still the API's.
		if res, body := anon.do("GET", "/api/v1/tags/cardiology", nil); res.StatusCode != 200 || !strings.Contains(body, `"name":"cardiology"`) {
			t.Errorf("API tag: %d %s", res.StatusCode, body)
		}

		// 20 a page, older ones through max_id, newest first.
		ctx := context.Background()
		for i := 0; i < 25; i++ {
			if _, err := sf.srv.Posts.Create(ctx, sf.carol, post.Draft{Text: fmt.Sprintf("paged post %02d #paging", i), Visibility: "public"}); err != nil {
				t.Fatal(err)
			}
		}
		_, first := anon.do("GET", "/tags/paging", nil)
		if n := strings.Count(first, "paged post"); n != 20 || !strings.Contains(first, "paged post 24") || strings.Contains(first, "paged post 04") {
			t.Fatalf("first page has %d posts:\n%s", n, first)
		}
		i := strings.Index(first, `<a href="/tags/paging?max_id=`)
		if i < 0 {
			t.Fatalf("no older link:\n%s", first)
		}
		rest := first[i+len(`<a href="`):]
		older := rest[:strings.IndexByte(rest, '"')]
		if _, err := strconv.ParseInt(older[strings.IndexByte(older, '=')+1:], 10, 64); err != nil {
			t.Fatalf("older link %q", older)
		}
		_, second := anon.do("GET", older, nil)
		if n := strings.Count(second, "paged post"); n != 5 || !strings.Contains(second, "paged post 00") || strings.Contains(second, "paged post 05") || strings.Contains(second, "max_id=") {
			t.Errorf("second page has %d posts:\n%s", n, second)
		}
	})
}
