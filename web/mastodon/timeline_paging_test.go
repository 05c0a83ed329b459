package mastodon_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// TestPagingAcrossHiddenRows pages through a public timeline in which the
// viewer may not see every row (they blocked one author), so pages are
// refilled: following the next links must return every visible status
// exactly once, none skipped at a refill boundary.
func TestPagingAcrossHiddenRows(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		viewer := signIn(t, srv, "viewer")
		alice := signIn(t, srv, "alice")
		blocked := signIn(t, srv, "blocked")
		postForm(t, viewer, "/api/v1/accounts/"+idStr(blocked.ID)+"/block", url.Values{}, 200, nil)

		// Oldest first: four of alice's, then alice, blocked, alice. A page
		// of three (newest first) reads [alice, blocked, alice], keeps two,
		// and is refilled with three more of alice's: five kept, three
		// returned, and the next page must start after the third.
		var want []string
		for i := 0; i < 5; i++ {
			want = append(want, post(t, alice, map[string]any{"status": "a"}).ID)
		}
		post(t, blocked, map[string]any{"status": "b"})
		want = append(want, post(t, alice, map[string]any{"status": "a"}).ID)
		slices.Reverse(want)

		var got []string
		path := "/api/v1/timelines/public?limit=3"
		for range 20 {
			var page []status
			h := get(t, srv, viewer, path, 200, &page)
			if len(page) == 0 {
				break
			}
			got = append(got, ids(page)...)
			next := nextLink(h.Get("Link"))
			if next == "" {
				break
			}
			u, err := url.Parse(next)
			if err != nil {
				t.Fatal(err)
			}
			path = u.RequestURI()
		}
		if !slices.Equal(got, want) {
			t.Errorf("paged public timeline = %v, want %v", got, want)
		}
	})
}

// nextLink returns the URL of the rel="next" link in a Link header.
func nextLink(h string) string {
	for _, part := range strings.Split(h, ",") {
		part = strings.TrimSpace(part)
		if strings.HasSuffix(part, `rel="next"`) {
			u, _, _ := strings.Cut(part, ";")
			return strings.Trim(u, "<> ")
		}
	}
	return ""
}
