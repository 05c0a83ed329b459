package mastodon

import (
	"testing"
	"time"

	"github.com/rounds-md/rounds/core/app"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/storage"
)

// TestStatusURLs: a status's uri and url, and its author's default
// images, are the instance's URLs for local statuses whether or not the
// author is local, and the stored ones for remote statuses; the viewer's
// flags and the author's pointers each get their own value.
func TestStatusURLs(t *testing.T) {
	inst := instance.Config{Protocol: "https", Domain: "rounds.example"}
	h := &Handler{Services: &app.Services{Instance: inst}, missing: newMissingImages(inst)}
	str := func(s string) *string { return &s }
	last := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	local := profile.Account{Account: &storage.Account{ID: 7, Username: "ana"}, Stats: storage.AccountStats{LastStatusAt: &last}}
	remote := profile.Account{Account: &storage.Account{ID: 8, Username: "ben", Domain: "other.example",
		URI: str("https://other.example/users/ben"), URL: str("https://other.example/@ben"), Discoverable: true}}
	for _, tc := range []struct {
		name     string
		st       timeline.Status
		uri, url string
	}{
		{"local", timeline.Status{Status: storage.Status{ID: 42, AccountID: 7, Local: true}, Account: local},
			"https://rounds.example/users/ana/statuses/42", "https://rounds.example/@ana/42"},
		{"local status, remote author", timeline.Status{Status: storage.Status{ID: 43, AccountID: 8, Local: true}, Account: remote},
			"https://rounds.example/users/ben/statuses/43", "https://rounds.example/@ben/43"},
		{"remote", timeline.Status{Status: storage.Status{ID: 44, AccountID: 8, URI: str("https://other.example/s/44"), URL: str("https://other.example/@ben/44")}, Account: remote},
			"https://other.example/s/44", "https://other.example/@ben/44"},
		{"remote without url", timeline.Status{Status: storage.Status{ID: 45, AccountID: 8, URI: str("https://other.example/s/45")}, Account: remote},
			"https://other.example/s/45", "https://other.example/s/45"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.st.Mine = timeline.Relation{Favourited: true, Bookmarked: true, Pinned: true}
			out := h.status(tc.st, &storage.Account{ID: 7})
			if out.URI != tc.uri || out.URL == nil || *out.URL != tc.url {
				t.Errorf("uri, url = %q, %v; want %q, %q", out.URI, out.URL, tc.uri, tc.url)
			}
			a := out.Account
			if a.Avatar != "https://rounds.example/avatars/original/missing.png" || a.AvatarStatic != a.Avatar ||
				a.Header != "https://rounds.example/headers/original/missing.png" || a.HeaderStatic != a.Header {
				t.Errorf("images = %q %q %q %q", a.Avatar, a.AvatarStatic, a.Header, a.HeaderStatic)
			}
			if *a.Discoverable != tc.st.Account.Discoverable || *a.HideCollections {
				t.Errorf("discoverable, hide_collections = %v, %v", *a.Discoverable, *a.HideCollections)
			}
			if (a.LastStatusAt != nil) != (tc.st.Account.Stats.LastStatusAt != nil) {
				t.Errorf("last_status_at = %v", a.LastStatusAt)
			}
			if !*out.Favourited || *out.Reblogged || *out.Muted || !*out.Bookmarked || out.Filtered == nil || len(*out.Filtered) != 0 {
				t.Errorf("favourited %v reblogged %v muted %v bookmarked %v filtered %v",
					*out.Favourited, *out.Reblogged, *out.Muted, *out.Bookmarked, out.Filtered)
			}
			if mine := tc.st.AccountID == 7; (out.Pinned != nil) != mine || mine && !*out.Pinned {
				t.Errorf("pinned = %v for the author's own status: %v", out.Pinned, mine)
			}
		})
	}
}
