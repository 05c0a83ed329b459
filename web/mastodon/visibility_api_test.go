package mastodon_test

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// Every visibility against every kind of viewer, through every endpoint
// that returns statuses: status by id, context, home, public, account.
func TestVisibilityThroughTheAPI(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")     // follows alice
		carol := signIn(t, srv, "carol") // mentioned
		dave := signIn(t, srv, "dave")   // a signed-in stranger
		eve := signIn(t, srv, "eve")     // followed alice, then alice blocked her
		adminAcct, err := srv.Accounts.Create(context.Background(), account.NewAccount{
			Username: "admin", Email: "admin@example.org", Password: webtest.Password, Role: account.RoleAdmin, Approved: true, Confirmed: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		admin := tokenFor(t, srv, adminAcct)
		var rel map[string]any
		postJSON(t, bob, "/api/v1/accounts/"+idStr(alice.ID)+"/follow", nil, 200, &rel)
		postJSON(t, eve, "/api/v1/accounts/"+idStr(alice.ID)+"/follow", nil, 200, &rel)
		postJSON(t, alice, "/api/v1/accounts/"+idStr(eve.ID)+"/block", nil, 200, &rel)
		if rel["blocking"] != true {
			t.Fatalf("block: %v", rel)
		}

		root := post(t, alice, map[string]any{"status": "root", "visibility": "public"})
		name := map[string]string{root.ID: "root"}
		for _, v := range []string{"public", "unlisted", "private", "direct"} {
			st := post(t, alice, map[string]any{"status": "@carol " + v, "visibility": v, "in_reply_to_id": root.ID})
			name[st.ID] = v
		}
		names := func(sts []status) string {
			var out []string
			for _, st := range sts {
				if n, ok := name[st.ID]; ok {
					out = append(out, n)
				}
			}
			sort.Strings(out)
			return strings.Join(out, ",")
		}
		all := "direct,private,public,root,unlisted"
		for _, tc := range []struct {
			viewer string
			u      *user
			// byID: statuses reachable by id (and in the root's context,
			// besides root); home, public, account: the timelines.
			byID, home, public, account string
		}{
			{"author", alice, all, all, "public,root", all},
			{"follower", bob, "private,public,root,unlisted", "private,public,root,unlisted", "public,root", "private,public,root,unlisted"},
			{"mentioned", carol, all, "direct,private,public,unlisted", "public,root", "public,root,unlisted"},
			{"stranger", dave, "public,root,unlisted", "", "public,root", "public,root,unlisted"},
			{"anonymous", nil, "public,root,unlisted", "-", "public,root", "public,root,unlisted"},
			{"blocked", eve, "", "", "", ""},
			{"admin", admin, "public,root,unlisted", "", "public,root", "public,root,unlisted"},
		} {
			t.Run(tc.viewer, func(t *testing.T) {
				var seen []status
				for id := range name {
					var st status
					res := do(t, srv, tc.u, "GET", "/api/v1/statuses/"+id, "", nil)
					if res.StatusCode == 200 {
						decode(t, res, 200, &st)
						seen = append(seen, st)
					} else {
						var e errorBody
						decode(t, res, 404, &e) // never 403: existence is not revealed
					}
				}
				if got := names(seen); got != tc.byID {
					t.Errorf("by id: %q, want %q", got, tc.byID)
				}
				var ctx struct{ Ancestors, Descendants []status }
				if strings.Contains(tc.byID, "root") {
					get(t, srv, tc.u, "/api/v1/statuses/"+root.ID+"/context", 200, &ctx)
					want := strings.Trim(strings.ReplaceAll(","+tc.byID+",", ",root,", ","), ",")
					if got := names(ctx.Descendants); got != want {
						t.Errorf("context: %q, want %q", got, want)
					}
				} else {
					get(t, srv, tc.u, "/api/v1/statuses/"+root.ID+"/context", 404, nil)
				}
				if tc.home != "-" {
					var home []status
					get(t, srv, tc.u, "/api/v1/timelines/home", 200, &home)
					if got := names(home); got != tc.home {
						t.Errorf("home: %q, want %q", got, tc.home)
					}
				} else {
					get(t, srv, nil, "/api/v1/timelines/home", 401, nil)
				}
				var pub []status
				get(t, srv, tc.u, "/api/v1/timelines/public", 200, &pub)
				if got := names(pub); got != tc.public {
					t.Errorf("public: %q, want %q", got, tc.public)
				}
				get(t, srv, tc.u, "/api/v1/timelines/public?local=true", 200, &pub)
				if got := names(pub); got != tc.public {
					t.Errorf("public local: %q, want %q", got, tc.public)
				}
				get(t, srv, tc.u, "/api/v1/timelines/public?remote=1", 200, &pub)
				if len(pub) != 0 {
					t.Errorf("public remote: %v", ids(pub))
				}
				var acct []status
				get(t, srv, tc.u, "/api/v1/accounts/"+idStr(alice.ID)+"/statuses", 200, &acct)
				if got := names(acct); got != tc.account {
					t.Errorf("account statuses: %q, want %q", got, tc.account)
				}
			})
		}
		// Unlisted never appears on public timelines, whoever asks.
		var pub []status
		get(t, srv, alice, "/api/v1/timelines/public", 200, &pub)
		if slices.ContainsFunc(pub, func(st status) bool { return st.Visibility != "public" }) {
			t.Error("a non-public status on the public timeline")
		}
		// Unblocking restores what a stranger sees, not the follow.
		postJSON(t, alice, "/api/v1/accounts/"+idStr(eve.ID)+"/unblock", nil, 200, &rel)
		var acct []status
		get(t, srv, eve, "/api/v1/accounts/"+idStr(alice.ID)+"/statuses", 200, &acct)
		if got := names(acct); got != "public,root,unlisted" {
			t.Errorf("after unblock: %q", got)
		}
	})
}

// A reply to a direct status by someone outside its audience is 404, and
// the account filters of the account timeline work.
func TestReplyAudienceAndAccountFilters(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		dm := post(t, alice, map[string]any{"status": "@bob secret", "visibility": "direct"})
		var e errorBody
		dave := signIn(t, srv, "dave")
		postJSON(t, dave, "/api/v1/statuses", map[string]any{"status": "me too", "in_reply_to_id": dm.ID}, 404, &e)
		reply := post(t, bob, map[string]any{"status": "@alice ok", "in_reply_to_id": dm.ID, "visibility": "direct"})
		if reply.InReplyToID == nil || *reply.InReplyToID != dm.ID {
			t.Errorf("reply = %+v", reply)
		}
		top := post(t, alice, map[string]any{"status": "top #Cardio"})
		self := post(t, alice, map[string]any{"status": "self reply", "in_reply_to_id": top.ID})
		other := post(t, alice, map[string]any{"status": "@bob reply to bob", "in_reply_to_id": reply.ID})
		path := "/api/v1/accounts/" + idStr(alice.ID) + "/statuses"
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"", []string{other.ID, self.ID, top.ID, dm.ID}},
			{"?exclude_replies=true", []string{self.ID, top.ID, dm.ID}},
			{"?exclude_reblogs=1", []string{other.ID, self.ID, top.ID, dm.ID}},
			{"?only_media=true", nil},
			{"?pinned=true", nil},
			{"?tagged=cardio", []string{top.ID}},
			{"?tagged=CARDIO&exclude_replies=1", []string{top.ID}},
			{"?tagged=nothing", nil},
		} {
			var got []status
			get(t, srv, alice, path+tc.query, 200, &got)
			if strings.Join(ids(got), ",") != strings.Join(tc.want, ",") {
				t.Errorf("%s: %v, want %v", tc.query, ids(got), tc.want)
			}
		}
		get(t, srv, nil, "/api/v1/accounts/999/statuses", 404, &e)
		get(t, srv, nil, "/api/v1/accounts/abc/statuses", 404, &e)
	})
}
