package mastodon_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

type relation struct {
	ID             string `json:"id"`
	Following      bool   `json:"following"`
	FollowedBy     bool   `json:"followed_by"`
	Requested      bool   `json:"requested"`
	RequestedBy    bool   `json:"requested_by"`
	ShowingReblogs bool   `json:"showing_reblogs"`
	Notifying      bool   `json:"notifying"`
	Blocking       bool   `json:"blocking"`
	BlockedBy      bool   `json:"blocked_by"`
	Note           string `json:"note"`
}

type acct struct {
	ID             string `json:"id"`
	Username       string `json:"username"`
	Locked         bool   `json:"locked"`
	FollowersCount int    `json:"followers_count"`
	FollowingCount int    `json:"following_count"`
	StatusesCount  int    `json:"statuses_count"`
}

func TestFollowOpenAccount(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		older := post(t, alice, map[string]any{"status": "before the follow"})
		hidden := post(t, alice, map[string]any{"status": "@carol only", "visibility": "direct"})
		var r relation
		postForm(t, bob, "/api/v1/accounts/"+idStr(alice.ID)+"/follow", url.Values{"reblogs": {"1"}, "notify": {"0"}}, 200, &r)
		if !r.Following || r.Requested || !r.ShowingReblogs || r.Notifying || r.ID != idStr(alice.ID) {
			t.Errorf("follow = %+v", r)
		}
		// Recent visible posts are back-filled; the direct one is not.
		var home []status
		get(t, srv, bob, "/api/v1/timelines/home", 200, &home)
		if strings.Join(ids(home), ",") != older.ID {
			t.Errorf("home after follow = %v (direct %s must not be there)", ids(home), hidden.ID)
		}
		newer := post(t, alice, map[string]any{"status": "after the follow", "visibility": "private"})
		get(t, srv, bob, "/api/v1/timelines/home", 200, &home)
		if strings.Join(ids(home), ",") != newer.ID+","+older.ID {
			t.Errorf("home = %v", ids(home))
		}
		var a acct
		get(t, srv, nil, "/api/v1/accounts/"+idStr(alice.ID), 200, &a)
		if a.FollowersCount != 1 || a.FollowingCount != 0 || a.StatusesCount != 2 {
			t.Errorf("alice counts = %+v", a)
		}
		get(t, srv, nil, "/api/v1/accounts/"+idStr(bob.ID), 200, &a)
		if a.FollowersCount != 0 || a.FollowingCount != 1 {
			t.Errorf("bob counts = %+v", a)
		}
		// Relationships: id[] and plain id, one entry per id in order.
		var rs []relation
		get(t, srv, alice, "/api/v1/accounts/relationships?id[]="+idStr(bob.ID)+"&id[]=12345&id[]="+idStr(alice.ID), 200, &rs)
		if len(rs) != 3 || rs[0].ID != idStr(bob.ID) || !rs[0].FollowedBy || rs[0].Following || rs[1].ID != "12345" || rs[1].FollowedBy {
			t.Errorf("relationships = %+v", rs)
		}
		get(t, srv, bob, "/api/v1/accounts/relationships?id="+idStr(alice.ID), 200, &rs)
		if len(rs) != 1 || !rs[0].Following {
			t.Errorf("relationships (id=) = %+v", rs)
		}
		// Following twice is fine and updates the options.
		postJSON(t, bob, "/api/v1/accounts/"+idStr(alice.ID)+"/follow", map[string]any{"notify": true}, 200, &r)
		if !r.Following || !r.Notifying {
			t.Errorf("refollow = %+v", r)
		}
		// Lists.
		var list []acct
		h := get(t, srv, nil, "/api/v1/accounts/"+idStr(alice.ID)+"/followers", 200, &list)
		if len(list) != 1 || list[0].Username != "bob" || !strings.Contains(h.Get("Link"), `rel="next"`) {
			t.Errorf("followers = %+v, Link %q", list, h.Get("Link"))
		}
		get(t, srv, nil, "/api/v1/accounts/"+idStr(bob.ID)+"/following", 200, &list)
		if len(list) != 1 || list[0].Username != "alice" {
			t.Errorf("following = %+v", list)
		}
		// Unfollow: her posts leave bob's home, and the counts drop.
		postJSON(t, bob, "/api/v1/accounts/"+idStr(alice.ID)+"/unfollow", nil, 200, &r)
		if r.Following || r.Requested {
			t.Errorf("unfollow = %+v", r)
		}
		get(t, srv, bob, "/api/v1/timelines/home", 200, &home)
		if len(home) != 0 {
			t.Errorf("home after unfollow = %v", ids(home))
		}
		get(t, srv, nil, "/api/v1/accounts/"+idStr(alice.ID), 200, &a)
		if a.FollowersCount != 0 {
			t.Errorf("followers after unfollow = %d", a.FollowersCount)
		}
		// Errors: self-follow 422, unknown 404.
		var e errorBody
		postJSON(t, bob, "/api/v1/accounts/"+idStr(bob.ID)+"/follow", nil, 422, &e)
		if !strings.HasPrefix(e.Error, "Validation failed: ") {
			t.Errorf("self-follow error %q", e.Error)
		}
		postJSON(t, bob, "/api/v1/accounts/424242/follow", nil, 404, &e)
		postJSON(t, bob, "/api/v1/accounts/nope/follow", nil, 404, &e)
		// A block stops following.
		postJSON(t, alice, "/api/v1/accounts/"+idStr(bob.ID)+"/block", nil, 200, &r)
		postJSON(t, bob, "/api/v1/accounts/"+idStr(alice.ID)+"/follow", nil, 403, &e)
		var blocks []acct
		get(t, srv, alice, "/api/v1/blocks", 200, &blocks)
		if len(blocks) != 1 || blocks[0].Username != "bob" {
			t.Errorf("blocks = %+v", blocks)
		}
	})
}

func TestFollowLockedAccount(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		lockedAcct, err := srv.Accounts.Create(context.Background(), account.NewAccount{
			Username: "lena", Email: "lena@example.org", Password: webtest.Password, Locked: true, Approved: true, Confirmed: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		lena := tokenFor(t, srv, lockedAcct)
		bob := signIn(t, srv, "bob")
		carol := signIn(t, srv, "carol")
		priv := post(t, lena, map[string]any{"status": "followers only", "visibility": "private"})

		var r relation
		postJSON(t, bob, "/api/v1/accounts/"+idStr(lena.ID)+"/follow", nil, 200, &r)
		if r.Following || !r.Requested {
			t.Fatalf("follow locked = %+v", r)
		}
		postJSON(t, carol, "/api/v1/accounts/"+idStr(lena.ID)+"/follow", nil, 200, &r)
		var home []status
		get(t, srv, bob, "/api/v1/timelines/home", 200, &home)
		if len(home) != 0 {
			t.Errorf("pending follower sees %v", ids(home))
		}
		get(t, srv, bob, "/api/v1/statuses/"+priv.ID, 404, nil)

		var reqs []acct
		get(t, srv, lena, "/api/v1/follow_requests", 200, &reqs)
		if len(reqs) != 2 || reqs[0].Username != "carol" || reqs[1].Username != "bob" {
			t.Fatalf("follow_requests = %+v", reqs)
		}
		var me struct {
			Locked bool `json:"locked"`
			Source struct {
				FollowRequestsCount int `json:"follow_requests_count"`
			} `json:"source"`
		}
		get(t, srv, lena, "/api/v1/accounts/verify_credentials", 200, &me)
		if !me.Locked || me.Source.FollowRequestsCount != 2 {
			t.Errorf("verify_credentials = %+v", me)
		}
		var notes []notification
		get(t, srv, lena, "/api/v1/notifications", 200, &notes)
		if len(notes) != 2 || notes[0].Type != "follow_request" {
			t.Errorf("notifications = %+v", notes)
		}

		postJSON(t, lena, "/api/v1/follow_requests/"+idStr(bob.ID)+"/authorize", nil, 200, &r)
		if !r.FollowedBy || r.RequestedBy {
			t.Errorf("authorize = %+v", r)
		}
		postJSON(t, lena, "/api/v1/follow_requests/"+idStr(carol.ID)+"/reject", nil, 200, &r)
		if r.FollowedBy || r.RequestedBy {
			t.Errorf("reject = %+v", r)
		}
		var e errorBody
		postJSON(t, lena, "/api/v1/follow_requests/"+idStr(carol.ID)+"/authorize", nil, 404, &e)

		// Once authorized the private post appears and is readable.
		get(t, srv, bob, "/api/v1/timelines/home", 200, &home)
		if strings.Join(ids(home), ",") != priv.ID {
			t.Errorf("home after authorize = %v", ids(home))
		}
		get(t, srv, bob, "/api/v1/statuses/"+priv.ID, 200, nil)
		get(t, srv, carol, "/api/v1/statuses/"+priv.ID, 404, nil)
		newer := post(t, lena, map[string]any{"status": "more", "visibility": "private"})
		get(t, srv, bob, "/api/v1/timelines/home", 200, &home)
		if strings.Join(ids(home), ",") != newer.ID+","+priv.ID {
			t.Errorf("home = %v", ids(home))
		}
		var rs []relation
		get(t, srv, bob, "/api/v1/accounts/relationships?id[]="+idStr(lena.ID), 200, &rs)
		if !rs[0].Following || rs[0].Requested {
			t.Errorf("bob's relationship = %+v", rs[0])
		}
		get(t, srv, carol, "/api/v1/accounts/relationships?id[]="+idStr(lena.ID), 200, &rs)
		if rs[0].Following || rs[0].Requested {
			t.Errorf("carol's relationship = %+v", rs[0])
		}
		get(t, srv, lena, "/api/v1/notifications?types[]=follow_request", 200, &notes)
		if len(notes) != 0 {
			t.Errorf("answered requests still notified: %+v", notes)
		}
		// A pending request can be withdrawn by unfollowing.
		postJSON(t, carol, "/api/v1/accounts/"+idStr(lena.ID)+"/follow", nil, 200, &r)
		postJSON(t, carol, "/api/v1/accounts/"+idStr(lena.ID)+"/unfollow", nil, 200, &r)
		if r.Requested || r.Following {
			t.Errorf("withdrawn = %+v", r)
		}
		get(t, srv, lena, "/api/v1/follow_requests", 200, &reqs)
		if len(reqs) != 0 {
			t.Errorf("requests after withdrawal = %+v", reqs)
		}
	})
}

func TestLookupAndAccount(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		for _, q := range []string{"alice", "@alice", "ALICE", "alice@" + srv.Instance.Domain, "alice@" + srv.Instance.Host()} {
			var a acct
			get(t, srv, nil, "/api/v1/accounts/lookup?acct="+url.QueryEscape(q), 200, &a)
			if a.ID != idStr(alice.ID) {
				t.Errorf("lookup %q = %+v", q, a)
			}
		}
		var e errorBody
		get(t, srv, nil, "/api/v1/accounts/lookup?acct=nobody", 404, &e)
		get(t, srv, nil, "/api/v1/accounts/lookup?acct=alice@elsewhere.example", 404, &e)
		get(t, srv, nil, "/api/v1/accounts/lookup", 422, &e)
		// The instance actor is not an account clients see.
		get(t, srv, nil, "/api/v1/accounts/lookup?acct="+srv.Instance.Host(), 404, &e)
		// Suspended accounts disappear.
		if err := srv.Accounts.SetSuspended(context.Background(), "alice", true); err != nil {
			t.Fatal(err)
		}
		get(t, srv, nil, "/api/v1/accounts/"+idStr(alice.ID), 404, &e)
	})
}
