package mastodon_test

import (
	"encoding/json"
	"io"
	"net/url"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// TestVerifyCredentialsCache: verify_credentials keeps its rendered
// answer per account, and every write this process makes to what the
// answer shows (the profile, counters, preferences, follow requests,
// fields) is seen by the next request, on both databases.
func TestVerifyCredentialsCache(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		carol := signIn(t, srv, "carol")
		const path = "/api/v1/accounts/verify_credentials"
		raw := func(u *user) string {
			t.Helper()
			res := do(t, srv, u, "GET", path, "", nil)
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/json; charset=utf-8" ||
				res.Header.Get("Cache-Control") != "private, no-store" {
				t.Fatalf("verify_credentials: %d %v %s", res.StatusCode, res.Header, b)
			}
			return string(b)
		}
		type me struct {
			ID             string `json:"id"`
			DisplayName    string `json:"display_name"`
			Locked         bool   `json:"locked"`
			FollowersCount int    `json:"followers_count"`
			StatusesCount  int    `json:"statuses_count"`
			Fields         []struct {
				Name string `json:"name"`
			} `json:"fields"`
			Source struct {
				Privacy             string `json:"privacy"`
				FollowRequestsCount int    `json:"follow_requests_count"`
			} `json:"source"`
		}
		read := func(u *user) me {
			t.Helper()
			var m me
			if err := json.Unmarshal([]byte(raw(u)), &m); err != nil {
				t.Fatal(err)
			}
			return m
		}
		first, again := raw(alice), raw(alice)
		if first != again {
			t.Fatalf("a second answer differs:\n%s\n%s", first, again)
		}
		if m := read(bob); m.ID != idStr(bob.ID) {
			t.Fatalf("bob's answer is another account's: %s", m.ID)
		}

		patchJSON(t, alice, "/api/v1/accounts/update_credentials", map[string]any{"display_name": "Dr Alice"}, 200, nil)
		if m := read(alice); m.DisplayName != "Dr Alice" {
			t.Errorf("after a new display name: %q", m.DisplayName)
		}
		postForm(t, bob, "/api/v1/accounts/"+idStr(alice.ID)+"/follow", nil, 200, nil)
		if m := read(alice); m.FollowersCount != 1 {
			t.Errorf("after a follow: followers_count %d", m.FollowersCount)
		}
		post(t, alice, map[string]any{"status": "on call tonight"})
		if m := read(alice); m.StatusesCount != 1 {
			t.Errorf("after a post: statuses_count %d", m.StatusesCount)
		}
		patchForm(t, alice, "/api/v1/accounts/update_credentials", url.Values{"source[privacy]": {"private"}, "locked": {"true"}}, 200, nil)
		if m := read(alice); m.Source.Privacy != "private" || !m.Locked {
			t.Errorf("after new preferences: privacy %q, locked %v", m.Source.Privacy, m.Locked)
		}
		postForm(t, carol, "/api/v1/accounts/"+idStr(alice.ID)+"/follow", nil, 200, nil)
		if m := read(alice); m.Source.FollowRequestsCount != 1 {
			t.Errorf("after a follow request: follow_requests_count %d", m.Source.FollowRequestsCount)
		}
		patchForm(t, alice, "/api/v1/accounts/update_credentials", url.Values{
			"fields_attributes[0][name]": {"Specialty"}, "fields_attributes[0][value]": {"Cardiology"},
		}, 200, nil)
		if m := read(alice); len(m.Fields) != 1 || m.Fields[0].Name != "Specialty" {
			t.Errorf("after new fields: %+v", m.Fields)
		}
		postForm(t, bob, "/api/v1/accounts/"+idStr(alice.ID)+"/unfollow", nil, 200, nil)
		if m := read(alice); m.FollowersCount != 0 {
			t.Errorf("after an unfollow: followers_count %d", m.FollowersCount)
		}
		if m := read(bob); m.ID != idStr(bob.ID) || m.DisplayName == "Dr Alice" {
			t.Errorf("bob's answer after alice's changes: %+v", m)
		}
	})
}
