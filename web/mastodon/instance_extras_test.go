package mastodon_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

func TestInstanceExtras(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		post(t, alice, map[string]any{"status": "one"})
		post(t, alice, map[string]any{"status": "two", "visibility": "direct"})
		remoteAccount(t, s, "a", "b.example")
		remoteAccount(t, s, "b", "a.example")
		remoteAccount(t, s, "c", "a.example")

		for _, path := range []string{
			"/api/v1/instance/rules", "/api/v1/announcements", "/api/v1/trends", "/api/v1/trends/tags",
			"/api/v1/trends/statuses", "/api/v1/trends/links", "/api/v1/trends/tags/",
			"/api/v1/accounts/" + idStr(alice.ID) + "/featured_tags",
		} {
			for _, u := range []*user{nil, alice} {
				var got []any
				get(t, srv, u, path, 200, &got)
				if got == nil || len(got) != 0 {
					t.Errorf("%s = %v, want []", path, got)
				}
			}
		}

		// The lists of features Rounds lacks are empty for a user and need one.
		for _, path := range []string{"/api/v1/featured_tags", "/api/v1/endorsements", "/api/v2/suggestions", "/api/v1/domain_blocks"} {
			var got []any
			get(t, srv, alice, path, 200, &got)
			if got == nil || len(got) != 0 {
				t.Errorf("%s = %v, want []", path, got)
			}
			get(t, srv, nil, path, 401, nil)
		}

		var peers []string
		get(t, srv, nil, "/api/v1/instance/peers", 200, &peers)
		if !slices.Equal(peers, []string{"a.example", "b.example"}) {
			t.Errorf("peers = %v", peers)
		}

		var weeks []map[string]string
		get(t, srv, nil, "/api/v1/instance/activity", 200, &weeks)
		if len(weeks) != 12 {
			t.Fatalf("activity = %v", weeks)
		}
		now := time.Now().UTC()
		w0, _ := strconv.ParseInt(weeks[0]["week"], 10, 64)
		start := time.Unix(w0, 0).UTC()
		if start.Weekday() != time.Monday || now.Before(start) || now.Sub(start) > 7*24*time.Hour {
			t.Errorf("this week starts %v", start)
		}
		// Two statuses (direct ones count: no content is shown), one sign-up,
		// one sign-in to an app this week; nothing before.
		if w := weeks[0]; w["statuses"] != "2" || w["registrations"] != "1" || w["logins"] != "1" {
			t.Errorf("this week = %v", w)
		}
		for i, w := range weeks[1:] {
			w1, _ := strconv.ParseInt(w["week"], 10, 64)
			if w1 != w0-int64(7*24*3600*(i+1)) || w["statuses"] != "0" || w["logins"] != "0" || w["registrations"] != "0" {
				t.Errorf("week %d = %v", i+1, w)
			}
		}
	})
}
