package mastodon_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// TestHomeLeavesOutRepeatedBoosts: a boost is not added to a home feed
// whose storage.ReblogFalloff newest entries hold the boosted status or
// another boost of it, as Mastodon's feeds do; further down, it is.
func TestHomeLeavesOutRepeatedBoosts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice") // the reader
		bob := signIn(t, srv, "bob")
		carol := signIn(t, srv, "carol")
		dave := signIn(t, srv, "dave") // alice does not follow dave
		erin := signIn(t, srv, "erin")
		frank := signIn(t, srv, "frank") // follows carol only
		for _, u := range []*user{bob, carol, erin} {
			follows(t, alice, u)
		}
		follows(t, frank, carol)
		reblog := func(u *user, id string) {
			t.Helper()
			postJSON(t, u, "/api/v1/statuses/"+id+"/reblog", nil, 200, nil)
		}

		// The status itself is in alice's home: carol's boost of it is not
		// added there, but reaches frank's and carol's own homes, where
		// it is new.
		p := post(t, bob, map[string]any{"status": "grand rounds at nine"})
		reblog(carol, p.ID)
		if got := timeline(t, alice, "/api/v1/timelines/home"); got != p.ID {
			t.Errorf("alice's home = %q, want only %s", got, p.ID)
		}
		if got := timeline(t, frank, "/api/v1/timelines/home"); got != "R"+p.ID {
			t.Errorf("frank's home = %q", got)
		}
		if got := timeline(t, carol, "/api/v1/timelines/home"); got != "R"+p.ID {
			t.Errorf("carol's home = %q", got)
		}

		// A boost is in alice's home: a second boost of the same status
		// is not added.
		q := post(t, dave, map[string]any{"status": "a case worth reading"})
		reblog(bob, q.ID)
		reblog(carol, q.ID)
		if got := timeline(t, alice, "/api/v1/timelines/home"); got != "R"+q.ID+","+p.ID {
			t.Errorf("alice's home after two boosts of q = %q", got)
		}

		// Once ReblogFalloff newer entries push p and the boost of q down,
		// boosts of them are added again.
		for i := range storage.ReblogFalloff {
			post(t, alice, map[string]any{"status": fmt.Sprintf("note %d", i)})
		}
		reblog(erin, p.ID)
		reblog(erin, q.ID)
		got := timeline(t, alice, "/api/v1/timelines/home?limit=2")
		if got != "R"+q.ID+",R"+p.ID {
			t.Errorf("alice's home after %d notes and erin's boosts = %q", storage.ReblogFalloff, got)
		}
		// One entry fewer is not enough: bob's boost of r, the
		// ReblogFalloff-th newest entry, still keeps carol's out.
		r := post(t, dave, map[string]any{"status": "another case"})
		reblog(bob, r.ID)
		for i := range storage.ReblogFalloff - 1 {
			post(t, alice, map[string]any{"status": fmt.Sprintf("more %d", i)})
		}
		reblog(carol, r.ID)
		if got := timeline(t, alice, "/api/v1/timelines/home?limit=40"); strings.Count(got, "R"+r.ID) != 1 {
			t.Errorf("alice's home holds the boosts of r %d times, want once", strings.Count(got, "R"+r.ID))
		}
	})
}
