package mastodon_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// list is the List entity as the tests read it.
type list struct {
	ID            string `json:"id"`
	Title         string `json:"title"`
	RepliesPolicy string `json:"replies_policy"`
	Exclusive     bool   `json:"exclusive"`
}

func TestListsCRUD(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		reader := signIn(t, srv, "reader", "read")

		var ls []list
		get(t, srv, alice, "/api/v1/lists", 200, &ls)
		if len(ls) != 0 {
			t.Fatalf("lists = %v", ls)
		}
		var a, b list
		postJSON(t, alice, "/api/v1/lists", map[string]any{"title": " Radiology ", "replies_policy": "followed", "exclusive": true}, 200, &a)
		if a.ID == "" || a.Title != "Radiology" || a.RepliesPolicy != "followed" || !a.Exclusive {
			t.Fatalf("created %+v", a)
		}
		postForm(t, alice, "/api/v1/lists", url.Values{"title": {"Residents"}}, 200, &b)
		if b.RepliesPolicy != "list" || b.Exclusive {
			t.Fatalf("defaults %+v", b)
		}
		get(t, srv, alice, "/api/v1/lists", 200, &ls)
		if len(ls) != 2 || ls[0] != a || ls[1] != b {
			t.Fatalf("lists = %+v", ls)
		}
		var got list
		get(t, srv, alice, "/api/v1/lists/"+a.ID, 200, &got)
		if got != a {
			t.Errorf("get = %+v", got)
		}
		sendJSON(t, alice, "PUT", "/api/v1/lists/"+a.ID, map[string]any{"replies_policy": "none", "exclusive": false}, 200, &got)
		if got.Title != "Radiology" || got.RepliesPolicy != "none" || got.Exclusive {
			t.Errorf("updated %+v", got)
		}
		sendForm(t, alice, "PUT", "/api/v1/lists/"+a.ID, url.Values{"title": {"Imaging"}}, 200, &got)
		if got.Title != "Imaging" || got.RepliesPolicy != "none" {
			t.Errorf("renamed %+v", got)
		}

		// Bad input: 422, nothing changed.
		for _, body := range []map[string]any{{}, {"title": "  "}, {"title": "x", "replies_policy": "everyone"}, {"title": "x", "exclusive": "maybe"}} {
			wantError(t, srv, alice, "POST", "/api/v1/lists", body, 422)
		}
		wantError(t, srv, alice, "PUT", "/api/v1/lists/"+a.ID, map[string]any{"title": ""}, 422)
		wantError(t, srv, alice, "PUT", "/api/v1/lists/"+a.ID, map[string]any{"replies_policy": "all"}, 422)
		get(t, srv, alice, "/api/v1/lists/"+a.ID, 200, &got)
		if got.Title != "Imaging" || got.RepliesPolicy != "none" {
			t.Errorf("after bad updates %+v", got)
		}

		// Another's list does not exist for bob; no token, wrong scope.
		for _, m := range []string{"GET", "PUT", "DELETE"} {
			wantError(t, srv, bob, m, "/api/v1/lists/"+a.ID, map[string]any{"title": "mine"}, 404)
		}
		wantError(t, srv, bob, "GET", "/api/v1/timelines/list/"+a.ID, nil, 404)
		wantError(t, srv, bob, "GET", "/api/v1/lists/"+a.ID+"/accounts", nil, 404)
		wantError(t, srv, bob, "POST", "/api/v1/lists/"+a.ID+"/accounts", map[string]any{"account_ids": []string{idStr(bob.ID)}}, 404)
		wantError(t, srv, alice, "GET", "/api/v1/lists/nope", nil, 404)
		wantError(t, srv, alice, "GET", "/api/v1/lists/12345", nil, 404)
		wantError(t, srv, nil, "GET", "/api/v1/lists", nil, 401)
		wantError(t, srv, reader, "POST", "/api/v1/lists", map[string]any{"title": "x"}, 403)
		get(t, srv, bob, "/api/v1/lists", 200, &ls)
		if len(ls) != 0 {
			t.Errorf("bob sees %v", ls)
		}

		var empty map[string]any
		sendJSON(t, alice, "DELETE", "/api/v1/lists/"+b.ID, nil, 200, &empty)
		if len(empty) != 0 {
			t.Errorf("delete answered %v", empty)
		}
		wantError(t, srv, alice, "DELETE", "/api/v1/lists/"+b.ID, nil, 404)
		get(t, srv, alice, "/api/v1/lists", 200, &ls)
		if len(ls) != 1 || ls[0].ID != a.ID {
			t.Errorf("after delete %v", ls)
		}

		// At most 50 lists.
		for i := 1; i < 50; i++ {
			postJSON(t, alice, "/api/v1/lists", map[string]any{"title": fmt.Sprint("l", i)}, 200, nil)
		}
		wantError(t, srv, alice, "POST", "/api/v1/lists", map[string]any{"title": "one too many"}, 422)
	})
}

func TestListMembers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		carol := signIn(t, srv, "carol")
		dave := signIn(t, srv, "dave") // not followed by alice
		follows(t, alice, bob)
		follows(t, alice, carol)
		var l, other list
		postJSON(t, alice, "/api/v1/lists", map[string]any{"title": "team"}, 200, &l)
		postJSON(t, alice, "/api/v1/lists", map[string]any{"title": "other"}, 200, &other)
		path := "/api/v1/lists/" + l.ID + "/accounts"

		members := func() []string {
			var accts []struct{ ID string }
			get(t, srv, alice, path, 200, &accts)
			var out []string
			for _, a := range accts {
				out = append(out, a.ID)
			}
			return out
		}
		wantError(t, srv, alice, "POST", path, map[string]any{"account_ids": []string{idStr(dave.ID)}}, 422)
		wantError(t, srv, alice, "POST", path, map[string]any{"account_ids": []string{"999999"}}, 404)
		wantError(t, srv, alice, "POST", path, map[string]any{"account_ids": []string{"x"}}, 422)
		wantError(t, srv, alice, "POST", path, map[string]any{}, 422)
		// One bad account adds none of them.
		wantError(t, srv, alice, "POST", path, map[string]any{"account_ids": []string{idStr(bob.ID), idStr(dave.ID)}}, 422)
		if m := members(); len(m) != 0 {
			t.Fatalf("members after failed adds: %v", m)
		}

		var empty map[string]any
		postJSON(t, alice, path, map[string]any{"account_ids": []string{idStr(bob.ID)}}, 200, &empty)
		postForm(t, alice, path, url.Values{"account_ids[]": {idStr(carol.ID), idStr(alice.ID)}}, 200, &empty)
		postJSON(t, alice, "/api/v1/lists/"+other.ID+"/accounts", map[string]any{"account_ids": []string{idStr(bob.ID)}}, 200, &empty)
		wantError(t, srv, alice, "POST", path, map[string]any{"account_ids": []string{idStr(bob.ID)}}, 422)
		want := []string{idStr(alice.ID), idStr(carol.ID), idStr(bob.ID)} // newest membership first
		if m := members(); !slices.Equal(m, want) {
			t.Fatalf("members = %v, want %v", m, want)
		}

		// Paging by membership, with a Link; limit=0 is everyone.
		var page []struct{ ID string }
		h := get(t, srv, alice, path+"?limit=2", 200, &page)
		if len(page) != 2 || page[0].ID != want[0] {
			t.Fatalf("page = %v", page)
		}
		next, _ := links(t, h.Get("Link"))
		get(t, srv, alice, next.RequestURI(), 200, &page)
		if len(page) != 1 || page[0].ID != want[2] {
			t.Fatalf("next page = %v", page)
		}
		get(t, srv, alice, path+"?limit=0", 200, &page)
		if len(page) != 3 {
			t.Errorf("limit=0 gave %d", len(page))
		}

		var ls []list
		get(t, srv, alice, "/api/v1/accounts/"+idStr(bob.ID)+"/lists", 200, &ls)
		if len(ls) != 2 || ls[0].ID != l.ID || ls[1].ID != other.ID {
			t.Errorf("bob's lists = %v", ls)
		}
		get(t, srv, bob, "/api/v1/accounts/"+idStr(bob.ID)+"/lists", 200, &ls)
		if len(ls) != 0 {
			t.Errorf("bob sees alice's lists: %v", ls)
		}
		wantError(t, srv, alice, "GET", "/api/v1/accounts/999999/lists", nil, 404)

		// Removing, as JSON and as a query; an absent account is ignored.
		sendJSON(t, alice, "DELETE", path, map[string]any{"account_ids": []string{idStr(alice.ID), idStr(dave.ID)}}, 200, &empty)
		decode(t, do(t, srv, alice, "DELETE", path+"?account_ids[]="+idStr(carol.ID), "", nil), 200, &empty)
		if m := members(); !slices.Equal(m, []string{idStr(bob.ID)}) {
			t.Fatalf("members after removal = %v", m)
		}

		// Unfollowing takes the account off every list, as in Mastodon.
		postJSON(t, alice, "/api/v1/accounts/"+idStr(bob.ID)+"/unfollow", nil, 200, nil)
		if m := members(); len(m) != 0 {
			t.Errorf("members after unfollow = %v", m)
		}
		get(t, srv, alice, "/api/v1/accounts/"+idStr(bob.ID)+"/lists", 200, &ls)
		if len(ls) != 0 {
			t.Errorf("lists after unfollow = %v", ls)
		}
	})
}

func TestListTimeline(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice") // the owner
		bob := signIn(t, srv, "bob")     // member
		carol := signIn(t, srv, "carol") // member
		dave := signIn(t, srv, "dave")   // followed, not a member
		erin := signIn(t, srv, "erin")   // neither
		for _, u := range []*user{bob, carol, dave} {
			follows(t, alice, u)
		}
		var l list
		postJSON(t, alice, "/api/v1/lists", map[string]any{"title": "team", "replies_policy": "list"}, 200, &l)
		postJSON(t, alice, "/api/v1/lists/"+l.ID+"/accounts", map[string]any{"account_ids": []string{idStr(bob.ID), idStr(carol.ID)}}, 200, nil)

		name := map[string]string{}
		mk := func(u *user, label string, fields map[string]any) string {
			st := post(t, u, fields)
			name[st.ID] = label
			return st.ID
		}
		root := mk(erin, "erin-root", map[string]any{"status": "root"})
		daveRoot := mk(dave, "dave-root", map[string]any{"status": "root"})
		mk(bob, "public", map[string]any{"status": "public"})
		mk(bob, "unlisted", map[string]any{"status": "unlisted", "visibility": "unlisted"})
		mk(bob, "private", map[string]any{"status": "private", "visibility": "private"})
		mk(bob, "direct-to-owner", map[string]any{"status": "@alice psst", "visibility": "direct"})
		mk(bob, "direct-to-carol", map[string]any{"status": "@carol psst", "visibility": "direct"})
		mk(erin, "stranger", map[string]any{"status": "not a member"})
		bobRoot := mk(bob, "bob-root", map[string]any{"status": "thread"})
		mk(bob, "self-reply", map[string]any{"status": "more", "in_reply_to_id": bobRoot})
		mk(carol, "reply-to-member", map[string]any{"status": "@bob yes", "in_reply_to_id": bobRoot})
		mk(carol, "reply-to-followed", map[string]any{"status": "@dave yes", "in_reply_to_id": daveRoot})
		mk(carol, "reply-to-stranger", map[string]any{"status": "@erin yes", "in_reply_to_id": root})
		ownerRoot := post(t, alice, map[string]any{"status": "question"}).ID
		mk(bob, "reply-to-owner", map[string]any{"status": "@alice answer", "in_reply_to_id": ownerRoot})

		seen := func(u *user) []string {
			var out []string
			for _, id := range pages(t, srv, u, "/api/v1/timelines/list/"+l.ID+"?limit=3") {
				out = append(out, name[id])
			}
			slices.Sort(out)
			return out
		}
		base := []string{"bob-root", "private", "public", "reply-to-owner", "self-reply", "unlisted"}
		for _, tc := range []struct {
			policy string
			extra  []string
		}{
			{"list", []string{"reply-to-member"}},
			{"followed", []string{"reply-to-followed", "reply-to-member"}},
			{"none", nil},
		} {
			sendJSON(t, alice, "PUT", "/api/v1/lists/"+l.ID, map[string]any{"replies_policy": tc.policy}, 200, nil)
			want := append(slices.Clone(base), tc.extra...)
			slices.Sort(want)
			// Never a direct post (not even one addressed to the owner, as
			// in Mastodon), never a non-member's.
			if got := seen(alice); !slices.Equal(got, want) {
				t.Errorf("%s: list shows %v, want %v", tc.policy, got, want)
			}
		}

		// A member the owner stops following leaves the list, so their
		// private posts cannot stay on it.
		postJSON(t, alice, "/api/v1/accounts/"+idStr(bob.ID)+"/unfollow", nil, 200, nil)
		sendJSON(t, alice, "PUT", "/api/v1/lists/"+l.ID, map[string]any{"replies_policy": "followed"}, 200, nil)
		if got := seen(alice); !slices.Equal(got, []string{"reply-to-followed"}) {
			t.Errorf("after unfollowing bob the list shows %v", got)
		}
	})
}

func TestExclusiveList(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		follows(t, alice, bob)
		plain := post(t, bob, map[string]any{"status": "hello"})
		mention := post(t, bob, map[string]any{"status": "@alice hi", "visibility": "private"})
		own := post(t, alice, map[string]any{"status": "mine"})
		var l list
		postJSON(t, alice, "/api/v1/lists", map[string]any{"title": "bob", "exclusive": true}, 200, &l)
		postJSON(t, alice, "/api/v1/lists/"+l.ID+"/accounts", map[string]any{"account_ids": []string{idStr(bob.ID), idStr(alice.ID)}}, 200, nil)

		var home, onList []status
		get(t, srv, alice, "/api/v1/timelines/home", 200, &home)
		if has(home, plain.ID) || !has(home, mention.ID) || !has(home, own.ID) {
			t.Errorf("exclusive: home = %v", ids(home))
		}
		get(t, srv, alice, "/api/v1/timelines/list/"+l.ID, 200, &onList)
		if !has(onList, plain.ID) || !has(onList, mention.ID) {
			t.Errorf("list = %v", ids(onList))
		}
		sendJSON(t, alice, "PUT", "/api/v1/lists/"+l.ID, map[string]any{"exclusive": false}, 200, nil)
		get(t, srv, alice, "/api/v1/timelines/home", 200, &home)
		if !has(home, plain.ID) {
			t.Errorf("not exclusive: home = %v", ids(home))
		}
	})
}

func TestListTimelinePaging(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		follows(t, alice, bob)
		var l list
		postJSON(t, alice, "/api/v1/lists", map[string]any{"title": "bob"}, 200, &l)
		postJSON(t, alice, "/api/v1/lists/"+l.ID+"/accounts", map[string]any{"account_ids": []string{idStr(bob.ID)}}, 200, nil)
		var want []string
		for i := 0; i < 23; i++ {
			want = append([]string{post(t, bob, map[string]any{"status": fmt.Sprint("n", i)}).ID}, want...)
		}
		if got := pages(t, srv, alice, "/api/v1/timelines/list/"+l.ID+"?limit=5"); !slices.Equal(got, want) {
			t.Errorf("paged %v\nwant %v", got, want)
		}
		var page []status
		h := get(t, srv, alice, "/api/v1/timelines/list/"+l.ID+"?limit=5&min_id="+want[10], 200, &page)
		if !slices.Equal(ids(page), want[5:10]) {
			t.Errorf("min_id page = %v, want %v", ids(page), want[5:10])
		}
		next, prev := links(t, h.Get("Link"))
		if next.Query().Get("limit") != "5" || prev.Query().Get("min_id") != want[5] {
			t.Errorf("Link %q", h.Get("Link"))
		}
	})
}
