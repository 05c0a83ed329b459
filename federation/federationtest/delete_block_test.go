package federationtest_test

import (
	"net/http"
	"testing"

	"github.com/rounds-md/rounds/storage"
)

// TestDeletePropagates: a deleted status leaves its followers' instances.
func TestDeletePropagates(t *testing.T) {
	eachDB(t, func(t *testing.T, d storage.Dialect) {
		a, b := start(t, d, 0), start(t, d, 1)
		alice := a.signIn(t, "alice", false)
		bob := b.signIn(t, "bob", false)
		bob.follow(t, alice)
		eventually(t, "bob to follow alice", func() bool { return bob.relationship(t, alice).Following })

		st := alice.post(t, "posted by mistake", "private", "")
		var onB *apiStatus
		eventually(t, "the post to reach bob", func() bool { onB = findURI(bob.home(t), st.URI); return onB != nil })
		alice.api(t, http.MethodDelete, "/api/v1/statuses/"+st.ID, nil, 200, nil)
		eventually(t, "the delete to reach bob", func() bool { return findURI(bob.home(t), st.URI) == nil })
		bob.api(t, http.MethodGet, "/api/v1/statuses/"+onB.ID, nil, 404, nil)
		if got := storedURIs(t, b); len(got) != 0 {
			t.Errorf("bob's instance still lists %v", got)
		}
	})
}

// TestBlocksStopDeliveryBothWays: once alice blocks bob, neither sees the
// other's new posts, and bob's instance knows of the block.
func TestBlocksStopDeliveryBothWays(t *testing.T) {
	eachDB(t, func(t *testing.T, d storage.Dialect) {
		a, b := start(t, d, 0), start(t, d, 1)
		alice := a.signIn(t, "alice", false)
		bob := b.signIn(t, "bob", false)
		bob.follow(t, alice)
		alice.follow(t, bob)
		eventually(t, "the mutual follow", func() bool {
			return bob.relationship(t, alice).Following && alice.relationship(t, bob).Following
		})
		before := alice.post(t, "before the block", "public", "")
		eventually(t, "the first post to reach bob", func() bool { return findURI(bob.home(t), before.URI) != nil })

		remoteBob := alice.lookup(t, bob.acct())
		alice.api(t, http.MethodPost, "/api/v1/accounts/"+remoteBob.ID+"/block", nil, 200, nil)
		eventually(t, "the block to reach bob's instance", func() bool {
			r := bob.relationship(t, alice)
			return r.BlockedBy && !r.Following && !r.FollowedBy
		})
		if r := alice.relationship(t, bob); !r.Blocking || r.Following || r.FollowedBy {
			t.Fatalf("alice's side after blocking: %+v", r)
		}

		fromAlice := alice.post(t, "after the block", "public", "")
		fromBob := bob.post(t, "bob after the block", "public", "")
		settle(t, a, b)
		if findURI(bob.home(t), fromAlice.URI) != nil {
			t.Error("alice's post after the block reached bob")
		}
		if findURI(alice.home(t), fromBob.URI) != nil {
			t.Error("bob's post after the block reached alice")
		}
		if _, ok := storedURIs(t, b)[fromAlice.URI]; ok {
			t.Error("bob's instance stored alice's post after the block")
		}
		// bob cannot follow alice again while blocked.
		remoteAlice := bob.lookup(t, alice.acct())
		bob.api(t, http.MethodPost, "/api/v1/accounts/"+remoteAlice.ID+"/follow", nil, 403, nil)

		// Unblocking is heard too.
		alice.api(t, http.MethodPost, "/api/v1/accounts/"+remoteBob.ID+"/unblock", nil, 200, nil)
		eventually(t, "the unblock to reach bob's instance", func() bool { return !bob.relationship(t, alice).BlockedBy })
	})
}
