package federationtest_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/rounds-md/rounds/storage"
)

// TestFollowAcrossInstances: following an open remote account is pending
// until its server's Accept arrives, then a follow; following a locked
// one stays a request until its owner authorises it; unfollowing ends the
// follow on both sides.
func TestFollowAcrossInstances(t *testing.T) {
	eachDB(t, func(t *testing.T, d storage.Dialect) {
		a, b := start(t, d, 0), start(t, d, 1)
		alice := a.signIn(t, "alice", false)
		bob := b.signIn(t, "bob", false)
		carol := b.signIn(t, "carol", true)

		// Search finds remote accounts only when asked to resolve them: by
		// address (WebFinger) or by actor URL.
		var found struct {
			Accounts []apiAccount `json:"accounts"`
		}
		alice.api(t, http.MethodGet, "/api/v2/search", url.Values{"q": {bob.acct()}}, 200, &found)
		if len(found.Accounts) != 0 {
			t.Fatalf("search without resolve found %+v", found.Accounts)
		}
		alice.api(t, http.MethodGet, "/api/v2/search", url.Values{"q": {"@" + bob.acct()}, "resolve": {"true"}}, 200, &found)
		if len(found.Accounts) != 1 || found.Accounts[0].Acct != bob.acct() {
			t.Fatalf("search by address with resolve: %+v", found.Accounts)
		}
		alice.api(t, http.MethodGet, "/api/v2/search", url.Values{"q": {b.URL + "/users/carol"}, "resolve": {"true"}, "type": {"accounts"}}, 200, &found)
		if len(found.Accounts) != 1 || found.Accounts[0].Acct != carol.acct() {
			t.Fatalf("search by actor URL with resolve: %+v", found.Accounts)
		}

		// The remote account is found by WebFinger, with its address and URLs.
		remote := alice.lookup(t, bob.acct())
		if remote.Acct != bob.acct() || remote.URI != b.URL+"/users/bob" || remote.URL != b.URL+"/@bob" {
			t.Fatalf("lookup = %+v", remote)
		}

		// Open account: a request until bob's server accepts.
		if r := alice.follow(t, bob); r.Following || !r.Requested {
			t.Fatalf("right after following a remote account: %+v, want requested", r)
		}
		eventually(t, "bob's server to accept alice", func() bool { return alice.relationship(t, bob).Following })
		if r := bob.relationship(t, alice); !r.FollowedBy {
			t.Fatalf("on bob's instance: %+v, want followed_by", r)
		}

		// Locked account: stays requested until carol authorises.
		if r := alice.follow(t, carol); !r.Requested {
			t.Fatalf("follow of a locked account: %+v", r)
		}
		var requests []apiAccount
		eventually(t, "the request to reach carol", func() bool {
			carol.api(t, http.MethodGet, "/api/v1/follow_requests", nil, 200, &requests)
			return len(requests) == 1
		})
		if requests[0].Acct != alice.acct() {
			t.Fatalf("carol's follow requests: %+v", requests)
		}
		settle(t, a, b)
		if r := alice.relationship(t, carol); r.Following || !r.Requested {
			t.Fatalf("before carol answers: %+v, want still requested", r)
		}
		carol.api(t, http.MethodPost, "/api/v1/follow_requests/"+requests[0].ID+"/authorize", nil, 200, nil)
		eventually(t, "carol's Accept to reach alice", func() bool { return alice.relationship(t, carol).Following })

		// Unfollow: bob's instance drops the follower.
		alice.api(t, http.MethodPost, "/api/v1/accounts/"+remote.ID+"/unfollow", nil, 200, nil)
		eventually(t, "the Undo to reach bob", func() bool { return !bob.relationship(t, alice).FollowedBy })

		// Rejecting a request: the requester's follow request goes.
		dave := a.signIn(t, "dave", false)
		dave.follow(t, carol)
		eventually(t, "dave's request to reach carol", func() bool {
			carol.api(t, http.MethodGet, "/api/v1/follow_requests", nil, 200, &requests)
			return len(requests) == 1
		})
		carol.api(t, http.MethodPost, "/api/v1/follow_requests/"+requests[0].ID+"/reject", nil, 200, nil)
		eventually(t, "carol's Reject to reach dave", func() bool {
			r := dave.relationship(t, carol)
			return !r.Requested && !r.Following
		})
	})
}
