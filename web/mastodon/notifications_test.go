package mastodon_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

type notification struct {
	ID        string  `json:"id"`
	Type      string  `json:"type"`
	CreatedAt string  `json:"created_at"`
	GroupKey  string  `json:"group_key"`
	Account   acct    `json:"account"`
	Status    *status `json:"status"`
}

func types(ns []notification) string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Type+":"+n.Account.Username)
	}
	return strings.Join(out, ",")
}

func TestNotifications(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		carol := signIn(t, srv, "carol")
		var r relation
		postJSON(t, bob, "/api/v1/accounts/"+idStr(alice.ID)+"/follow", nil, 200, &r)
		postJSON(t, carol, "/api/v1/accounts/"+idStr(alice.ID)+"/follow", map[string]any{"notify": true}, 200, &r)
		root := post(t, alice, map[string]any{"status": "hello"})
		post(t, bob, map[string]any{"status": "@alice hi", "in_reply_to_id": root.ID})
		post(t, carol, map[string]any{"status": "@alice @alice secret", "visibility": "direct"})
		post(t, alice, map[string]any{"status": "@alice talking to myself"})

		var ns []notification
		get(t, srv, alice, "/api/v1/notifications", 200, &ns)
		if got := types(ns); got != "mention:carol,mention:bob,follow:carol,follow:bob" {
			t.Fatalf("notifications = %s", got)
		}
		if ns[0].Status == nil || ns[0].Status.Visibility != "direct" || ns[2].Status != nil || ns[0].GroupKey != "ungrouped-"+ns[0].ID {
			t.Errorf("entities: %+v", ns[:3])
		}
		// Carol asked to be notified of alice's posts.
		get(t, srv, carol, "/api/v1/notifications", 200, &ns)
		if got := types(ns); got != "status:alice,status:alice" {
			t.Errorf("carol's notifications = %s", got)
		}
		for _, tc := range []struct{ query, want string }{
			{"types[]=mention", "mention:carol,mention:bob"},
			{"types[]=follow&types[]=mention", "mention:carol,mention:bob,follow:carol,follow:bob"},
			{"exclude_types[]=mention", "follow:carol,follow:bob"},
			{"exclude_types[]=follow&exclude_types[]=favourite", "mention:carol,mention:bob"},
			{"account_id=" + idStr(bob.ID), "mention:bob,follow:bob"},
			{"types[]=follow&account_id=" + idStr(carol.ID), "follow:carol"},
			{"limit=1", "mention:carol"},
		} {
			get(t, srv, alice, "/api/v1/notifications?"+tc.query, 200, &ns)
			if got := types(ns); got != tc.want {
				t.Errorf("%s: %s, want %s", tc.query, got, tc.want)
			}
		}
		// Paging through the Link header.
		h := get(t, srv, alice, "/api/v1/notifications?limit=2&exclude_types[]=poll", 200, &ns)
		next, prev := links(t, h.Get("Link"))
		if next.Query().Get("max_id") != ns[1].ID || prev.Query().Get("min_id") != ns[0].ID || next.Query().Get("limit") != "2" ||
			next.Query()["exclude_types[]"][0] != "poll" {
			t.Errorf("Link = %s", h.Get("Link"))
		}
		get(t, srv, alice, next.RequestURI(), 200, &ns)
		if got := types(ns); got != "follow:carol,follow:bob" {
			t.Errorf("page 2 = %s", got)
		}
		var count struct{ Count int }
		get(t, srv, alice, "/api/v1/notifications/unread_count", 200, &count)
		if count.Count != 4 {
			t.Errorf("unread_count = %d", count.Count)
		}
		get(t, srv, alice, "/api/v1/notifications/unread_count?limit=3", 200, &count)
		if count.Count != 3 {
			t.Errorf("unread_count limit 3 = %d", count.Count)
		}
		get(t, srv, alice, "/api/v1/notifications/unread_count?types[]=follow", 200, &count)
		if count.Count != 2 {
			t.Errorf("unread_count follows = %d", count.Count)
		}
		// Only those after the notifications marker are unread (ns is page
		// 2: follow:carol, follow:bob; the two mentions are newer).
		postJSON(t, alice, "/api/v1/markers", map[string]any{"notifications": map[string]any{"last_read_id": ns[0].ID}}, 200, nil)
		for query, want := range map[string]int{"": 2, "?types[]=follow": 0, "?types[]=mention": 2, "?limit=1": 1} {
			get(t, srv, alice, "/api/v1/notifications/unread_count"+query, 200, &count)
			if count.Count != want {
				t.Errorf("unread_count%s after the marker = %d, want %d", query, count.Count, want)
			}
		}
		// One by id; not someone else's.
		var one notification
		get(t, srv, alice, "/api/v1/notifications/"+ns[0].ID, 200, &one)
		if one.ID != ns[0].ID || one.Type != "follow" {
			t.Errorf("one = %+v", one)
		}
		get(t, srv, bob, "/api/v1/notifications/"+ns[0].ID, 404, nil)
		postJSON(t, bob, "/api/v1/notifications/"+ns[0].ID+"/dismiss", nil, 404, nil)
		var empty map[string]any
		postJSON(t, alice, "/api/v1/notifications/"+ns[0].ID+"/dismiss", nil, 200, &empty)
		if len(empty) != 0 {
			t.Errorf("dismiss = %v", empty)
		}
		get(t, srv, alice, "/api/v1/notifications/"+ns[0].ID, 404, nil)
		get(t, srv, alice, "/api/v1/notifications", 200, &ns)
		if len(ns) != 3 {
			t.Errorf("after dismiss: %s", types(ns))
		}
		// Deleting the status takes its notification with it.
		var del status
		dm := ns[0].Status.ID
		decode(t, do(t, srv, carol, "DELETE", "/api/v1/statuses/"+dm, "", nil), 200, &del)
		get(t, srv, alice, "/api/v1/notifications", 200, &ns)
		if got := types(ns); got != "mention:bob,follow:bob" {
			t.Errorf("after delete: %s", got)
		}
		postJSON(t, alice, "/api/v1/notifications/clear", nil, 200, &empty)
		h = get(t, srv, alice, "/api/v1/notifications", 200, &ns)
		if len(ns) != 0 || h.Get("Link") != "" {
			t.Errorf("after clear: %s, Link %q", types(ns), h.Get("Link"))
		}
		// Bob's own notifications were untouched.
		get(t, srv, bob, "/api/v1/notifications", 200, &ns)
		if len(ns) != 0 {
			t.Errorf("bob: %s", types(ns))
		}
	})
}

// links parses a Link header, checking next comes first.
func links(t *testing.T, h string) (next, prev *url.URL) {
	t.Helper()
	parts := strings.Split(h, ", ")
	if len(parts) != 2 || !strings.HasSuffix(parts[0], `rel="next"`) || !strings.HasSuffix(parts[1], `rel="prev"`) {
		t.Fatalf("Link %q: want next, then prev", h)
	}
	parse := func(p string) *url.URL {
		u, err := url.Parse(strings.TrimPrefix(strings.Split(p, ">")[0], "<"))
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	return parse(parts[0]), parse(parts[1])
}

func TestHomePaging(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		var all []string
		for i := 0; i < 45; i++ {
			all = append([]string{post(t, alice, map[string]any{"status": fmt.Sprint("post ", i)}).ID}, all...)
		}
		var page []status
		h := get(t, srv, alice, "/api/v1/timelines/home", 200, &page)
		if len(page) != 20 || page[0].ID != all[0] {
			t.Fatalf("default page: %d", len(page))
		}
		next, prev := links(t, h.Get("Link"))
		if next.Query().Get("max_id") != all[19] || prev.Query().Get("min_id") != all[0] || next.Path != "/api/v1/timelines/home" ||
			!strings.HasPrefix(next.String(), srv.URL) {
			t.Errorf("Link = %s", h.Get("Link"))
		}
		// limit is capped at 40 and kept in the links; the token is not.
		h = get(t, srv, alice, "/api/v1/timelines/home?limit=100&access_token="+alice.token, 200, &page)
		if len(page) != 40 {
			t.Errorf("limit=100 gave %d", len(page))
		}
		if strings.Contains(h.Get("Link"), "access_token") || !strings.Contains(h.Get("Link"), "limit=100") {
			t.Errorf("Link = %s", h.Get("Link"))
		}
		next, _ = links(t, h.Get("Link"))
		get(t, srv, alice, next.RequestURI(), 200, &page)
		if strings.Join(ids(page), ",") != strings.Join(all[40:], ",") {
			t.Errorf("next page = %v", ids(page))
		}
		// min_id: the page right after the cursor, newest first.
		get(t, srv, alice, "/api/v1/timelines/home?limit=3&min_id="+all[10], 200, &page)
		if strings.Join(ids(page), ",") != strings.Join(all[7:10], ",") {
			t.Errorf("min_id page = %v, want %v", ids(page), all[7:10])
		}
		// since_id: the newest page above the cursor.
		get(t, srv, alice, "/api/v1/timelines/home?limit=3&since_id="+all[10], 200, &page)
		if strings.Join(ids(page), ",") != strings.Join(all[0:3], ",") {
			t.Errorf("since_id page = %v", ids(page))
		}
		// An empty page has no Link.
		h = get(t, srv, alice, "/api/v1/timelines/home?min_id="+all[0], 200, &page)
		if len(page) != 0 || h.Get("Link") != "" {
			t.Errorf("empty page: %d, Link %q", len(page), h.Get("Link"))
		}
		// Public timeline keeps its filters in the links.
		h = get(t, srv, nil, "/api/v1/timelines/public?local=true&limit=2", 200, &page)
		next, _ = links(t, h.Get("Link"))
		if next.Query().Get("local") != "true" || next.Query().Get("limit") != "2" {
			t.Errorf("public Link = %s", h.Get("Link"))
		}
	})
}

func TestAuthErrors(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		reader := signIn(t, srv, "reader", "read")
		alice := signIn(t, srv, "alice")
		st := post(t, alice, map[string]any{"status": "x"})
		var e errorBody
		for _, tc := range []struct {
			u            *user
			method, path string
			want         int
		}{
			{nil, "GET", "/api/v1/timelines/home", 401},
			{nil, "GET", "/api/v1/accounts/verify_credentials", 401},
			{nil, "POST", "/api/v1/statuses", 401},
			{nil, "GET", "/api/v1/notifications", 401},
			{nil, "POST", "/api/v1/accounts/1/follow", 401},
			{&user{srv: srv, token: "wrong"}, "GET", "/api/v1/timelines/home", 401},
			{reader, "POST", "/api/v1/statuses", 403},
			{reader, "DELETE", "/api/v1/statuses/" + st.ID, 403},
			{reader, "POST", "/api/v1/accounts/" + idStr(alice.ID) + "/follow", 403},
			{reader, "POST", "/api/v1/notifications/clear", 403},
		} {
			decode(t, do(t, srv, tc.u, tc.method, tc.path, "application/json", strings.NewReader(`{"status":"x"}`)), tc.want, &e)
			if e.Error == "" {
				t.Errorf("%s %s: no error body", tc.method, tc.path)
			}
		}
		// A stale token on a public endpoint reads as anonymous (as on
		// Mastodon): public statuses only.
		var pub []status
		get(t, srv, &user{srv: srv, token: "wrong"}, "/api/v1/timelines/public", 200, &pub)
		if len(pub) != 1 {
			t.Errorf("public with a stale token: %v", ids(pub))
		}
		// The read-only token reads.
		get(t, srv, reader, "/api/v1/timelines/home", 200, nil)
		get(t, srv, reader, "/api/v1/statuses/"+st.ID, 200, nil)
		var stubs []any
		get(t, srv, nil, "/api/v1/custom_emojis", 200, &stubs)
		if stubs == nil || len(stubs) != 0 {
			t.Errorf("custom_emojis = %v", stubs)
		}
	})
}
