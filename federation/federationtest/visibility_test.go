package federationtest_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/rounds-md/rounds/storage"
)

// storedURIs returns the ActivityPub ids of the remote statuses stored on
// an instance, deleted ones included.
func storedURIs(t *testing.T, n *node) map[string]string {
	t.Helper()
	out := map[string]string{}
	accts, err := n.store.ListAccounts(context.Background(), storage.AccountFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accts {
		if a.Local() {
			continue
		}
		for _, vis := range []string{"public", "unlisted", "private", "direct"} {
			sts, err := n.store.AccountStatuses(context.Background(), a.ID,
				storage.AccountStatusFilter{Visibilities: []string{vis}}, storage.Page{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			for _, st := range sts {
				out[*st.URI] = st.Visibility
			}
		}
	}
	return out
}

// TestVisibilityAcrossInstances: public, unlisted, followers-only and
// direct posts reach exactly the instances and people in their audience,
// with their visibility, and nowhere else.
func TestVisibilityAcrossInstances(t *testing.T) {
	eachDB(t, func(t *testing.T, d storage.Dialect) {
		a, b, c := start(t, d, 0), start(t, d, 1), start(t, d, 2)
		alice := a.signIn(t, "alice", false)
		bob := b.signIn(t, "bob", false)     // follows alice
		dave := b.signIn(t, "dave", false)   // on bob's instance, follows nobody
		carol := c.signIn(t, "carol", false) // mentioned in the direct message only
		erin := c.signIn(t, "erin", false)   // on carol's instance, not mentioned

		bob.follow(t, alice)
		eventually(t, "bob to follow alice", func() bool { return bob.relationship(t, alice).Following })
		alice.lookup(t, carol.acct()) // so that the mention links

		pub := alice.post(t, "public post", "public", "")
		unl := alice.post(t, "unlisted post", "unlisted", "")
		priv := alice.post(t, "followers-only post", "private", "")
		dm := alice.post(t, "@"+carol.acct()+" direct message", "direct", "")
		settle(t, a, b, c)

		// What each instance stored, with which visibility.
		if got, want := storedURIs(t, b), map[string]string{pub.URI: "public", unl.URI: "unlisted", priv.URI: "private"}; !sameMap(got, want) {
			t.Errorf("bob's instance stored %v, want %v", got, want)
		}
		if got, want := storedURIs(t, c), map[string]string{dm.URI: "direct"}; !sameMap(got, want) {
			t.Errorf("carol's instance stored %v, want %v", got, want)
		}

		// Who sees what in their home feed.
		bobHome := bob.home(t)
		for _, st := range []apiStatus{pub, unl, priv} {
			if findURI(bobHome, st.URI) == nil {
				t.Errorf("bob's home lacks alice's %s post", st.Visibility)
			}
		}
		if findURI(bobHome, dm.URI) != nil {
			t.Error("alice's direct message to carol is in bob's home")
		}
		if len(dave.home(t)) != 0 {
			t.Errorf("dave, who follows nobody, has %d statuses in his home", len(dave.home(t)))
		}
		carolHome := carol.home(t)
		if len(carolHome) != 1 || carolHome[0].URI != dm.URI || carolHome[0].Visibility != "direct" {
			t.Errorf("carol's home = %+v, want the direct message only", carolHome)
		}
		if len(erin.home(t)) != 0 {
			t.Error("erin, not mentioned, sees something in her home")
		}

		// Carol is notified of the mention; the public timeline of bob's
		// instance lists the public post only.
		var notes []struct {
			Type   string    `json:"type"`
			Status apiStatus `json:"status"`
		}
		carol.api(t, http.MethodGet, "/api/v1/notifications", nil, 200, &notes)
		if len(notes) != 1 || notes[0].Type != "mention" || notes[0].Status.URI != dm.URI {
			t.Errorf("carol's notifications: %+v", notes)
		}
		var public []apiStatus
		dave.api(t, http.MethodGet, "/api/v1/timelines/public", url.Values{"remote": {"true"}}, 200, &public)
		if len(public) != 1 || public[0].URI != pub.URI {
			t.Errorf("bob's instance's public timeline: %+v, want alice's public post only", public)
		}

		// On bob's instance the followers-only post is bob's alone: dave
		// (and anonymous readers) get 404 for it, not a hint.
		got := findURI(bobHome, priv.URI)
		if got == nil {
			t.Fatal("no private post in bob's home")
		}
		dave.api(t, http.MethodGet, "/api/v1/statuses/"+got.ID, nil, 404, nil)
		b.call(t, "", http.MethodGet, "/api/v1/statuses/"+got.ID, nil, 404, nil)
		bob.api(t, http.MethodGet, "/api/v1/statuses/"+got.ID, nil, 200, nil)
	})
}

func sameMap(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
