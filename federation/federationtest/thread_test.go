package federationtest_test

import (
	"net/http"
	"testing"

	"github.com/rounds-md/rounds/storage"
)

// threadOf returns the ActivityPub ids of a status's ancestors and
// descendants as u sees them.
func threadOf(t *testing.T, u *user, id string) (up, down []string) {
	t.Helper()
	var ctx struct {
		Ancestors   []apiStatus `json:"ancestors"`
		Descendants []apiStatus `json:"descendants"`
	}
	u.api(t, http.MethodGet, "/api/v1/statuses/"+id+"/context", nil, 200, &ctx)
	for _, s := range ctx.Ancestors {
		up = append(up, s.URI)
	}
	for _, s := range ctx.Descendants {
		down = append(down, s.URI)
	}
	return up, down
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestRepliesThreadAcrossThreeInstances: alice (A) posts, bob (B, a
// follower of alice) replies without mentioning her, carol (C, who follows
// only bob) replies to bob mentioning both. Bob's reply reaches alice's
// instance because it answers her post; carol's instance fetches alice's
// post to complete the thread; every instance shows the same thread in
// the same order.
func TestRepliesThreadAcrossThreeInstances(t *testing.T) {
	eachDB(t, func(t *testing.T, d storage.Dialect) {
		a, b, c := start(t, d, 0), start(t, d, 1), start(t, d, 2)
		alice := a.signIn(t, "alice", false)
		bob := b.signIn(t, "bob", false)
		carol := c.signIn(t, "carol", false)
		bob.follow(t, alice)
		carol.follow(t, bob)
		eventually(t, "the follows", func() bool {
			return bob.relationship(t, alice).Following && carol.relationship(t, bob).Following
		})

		root := alice.post(t, "What do you make of this ECG?", "public", "")
		var rootOnB *apiStatus
		eventually(t, "alice's post to reach bob", func() bool { rootOnB = findURI(bob.home(t), root.URI); return rootOnB != nil })
		// Bob does not mention alice: his reply reaches her instance because
		// it answers her post, as Mastodon delivers replies.
		reply := bob.post(t, "Looks like atrial flutter.", "public", rootOnB.ID)
		eventually(t, "bob's reply to reach alice's instance", func() bool {
			_, down := threadOf(t, alice, root.ID)
			return len(down) == 1 && down[0] == reply.URI
		})

		var replyOnC *apiStatus
		eventually(t, "bob's reply to reach carol", func() bool { replyOnC = findURI(carol.home(t), reply.URI); return replyOnC != nil })
		if replyOnC.InReplyToID == nil {
			t.Fatal("on carol's instance bob's reply is not threaded: alice's post was not fetched")
		}
		carol.lookup(t, alice.acct())
		carol.lookup(t, bob.acct())
		reply2 := carol.post(t, "@"+bob.acct()+" @"+alice.acct()+" Agreed, 2:1 block.", "public", replyOnC.ID)
		settle(t, a, b, c)

		want := []string{root.URI, reply.URI, reply2.URI}
		for _, who := range []*user{alice, bob, carol} {
			var rootID string
			if who == alice {
				rootID = root.ID
			} else {
				st := findStatus(t, who, root.URI)
				if st == nil {
					t.Fatalf("%s's instance does not have alice's post", who.Username)
				}
				rootID = st.ID
			}
			up, down := threadOf(t, who, rootID)
			if len(up) != 0 || !equal(append([]string{root.URI}, down...), want) {
				t.Errorf("thread on %s's instance: ancestors %v, descendants %v; want %v", who.Username, up, down, want)
			}
		}
		// Alice is notified of the reply that mentions her.
		var notes []struct {
			Type   string    `json:"type"`
			Status apiStatus `json:"status"`
		}
		alice.api(t, http.MethodGet, "/api/v1/notifications", nil, 200, &notes)
		got := map[string]bool{}
		for _, n := range notes {
			if n.Type == "mention" {
				got[n.Status.URI] = true
			}
		}
		if got[reply.URI] || !got[reply2.URI] {
			t.Errorf("alice's mention notifications: %+v", notes)
		}
	})
}

// findStatus finds, by ActivityPub id, a status u can see on u's
// instance, through the home feed or a thread of it.
func findStatus(t *testing.T, u *user, uri string) *apiStatus {
	t.Helper()
	home := u.home(t)
	if st := findURI(home, uri); st != nil {
		return st
	}
	for _, st := range home {
		var ctx struct {
			Ancestors   []apiStatus `json:"ancestors"`
			Descendants []apiStatus `json:"descendants"`
		}
		u.api(t, http.MethodGet, "/api/v1/statuses/"+st.ID+"/context", nil, 200, &ctx)
		if s := findURI(append(ctx.Ancestors, ctx.Descendants...), uri); s != nil {
			return s
		}
	}
	return nil
}
