package mastodon_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// searchJSON is the Search entity as the tests read it.
type searchJSON struct {
	Accounts []struct {
		ID, Username, Acct string
	} `json:"accounts"`
	Statuses []status `json:"statuses"`
	Hashtags []struct {
		Name    string `json:"name"`
		History []any  `json:"history"`
	} `json:"hashtags"`
}

func (r searchJSON) accts() string {
	var out []string
	for _, a := range r.Accounts {
		out = append(out, a.Acct)
	}
	return strings.Join(out, ",")
}

func (r searchJSON) tags() string {
	var out []string
	for _, h := range r.Hashtags {
		out = append(out, h.Name)
	}
	return strings.Join(out, ",")
}

func (r searchJSON) texts() string {
	var out []string
	for _, st := range r.Statuses {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(st.Content, "<p>"), "</p>"))
	}
	return strings.Join(out, "|")
}

// search runs GET /api/v2/search as u (nil: anonymous) with params.
func search(t *testing.T, srv *webtest.Server, u *user, params url.Values) searchJSON {
	t.Helper()
	var raw map[string]any
	get(t, srv, u, "/api/v2/search?"+params.Encode(), 200, &raw)
	for _, k := range []string{"accounts", "statuses", "hashtags"} {
		if v, ok := raw[k].([]any); !ok || v == nil {
			t.Fatalf("search %v: %q is %v", params, k, raw[k])
		}
	}
	var r searchJSON
	get(t, srv, u, "/api/v2/search?"+params.Encode(), 200, &r)
	return r
}

func q(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

func TestSearchAccounts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		carol := signIn(t, srv, "carol")
		signIn(t, srv, "albert")
		signIn(t, srv, "alicia")
		patchJSON(t, bob, "/api/v1/accounts/update_credentials", map[string]any{"display_name": "Robert Baker"}, 200, nil)
		remoteAccount(t, s, "alfred", "remote.example")
		if err := srv.Accounts.SetSuspended(context.Background(), "albert", true); err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			u      *user
			params url.Values
			want   string
		}{
			// Username prefix: exact first, local before remote; never a
			// suspended account.
			{alice, q("q", "al"), "alice,alicia,alfred@remote.example"},
			{alice, q("q", "alicia"), "alicia"},
			{nil, q("q", "ALI"), "alice,alicia"},
			{alice, q("q", "@bob"), "bob"},
			// Display-name prefix, of any word.
			{alice, q("q", "robert"), "bob"},
			{alice, q("q", "bake"), "bob"},
			// Addresses: local with the instance's domain, remote known.
			{alice, q("q", "bob@"+srv.Instance.Domain), "bob"},
			{alice, q("q", "@alfred@remote.example"), "alfred@remote.example"},
			{alice, q("q", "nobody@remote.example"), ""},
			// Profile and actor URLs.
			{alice, q("q", srv.URL+"/@carol"), "carol"},
			{alice, q("q", srv.URL+"/users/carol"), "carol"},
			{alice, q("q", "https://remote.example/users/alfred"), "alfred@remote.example"},
			{alice, q("q", srv.URL+"/@albert"), ""},
			// Narrowing, limits and offsets.
			{alice, q("q", "al", "limit", "1"), "alice"},
			{alice, q("q", "al", "limit", "1", "offset", "1"), "alicia"},
			{alice, q("q", "al", "type", "hashtags"), ""},
			{alice, q("q", "al", "type", "nonsense"), ""},
			{alice, q("q", "#al"), ""},
			// Wildcards are literal.
			{alice, q("q", "%"), ""},
			{alice, q("q", "_"), ""},
		} {
			if got := search(t, srv, tc.u, tc.params).accts(); got != tc.want {
				t.Errorf("%v: accounts %q, want %q", tc.params, got, tc.want)
			}
		}

		// following=true keeps the accounts the viewer follows.
		follows(t, alice, bob)
		if got := search(t, srv, alice, q("q", "b", "following", "true")).accts(); got != "bob" {
			t.Errorf("following: %q", got)
		}
		if got := search(t, srv, alice, q("q", "al", "following", "1")).accts(); got != "" {
			t.Errorf("following al: %q", got)
		}
		// Someone who blocks the viewer is not found by it.
		postJSON(t, carol, "/api/v1/accounts/"+idStr(alice.ID)+"/block", nil, 200, nil)
		if got := search(t, srv, alice, q("q", "carol")).accts(); got != "" {
			t.Errorf("blocked by carol: %q", got)
		}
		if got := search(t, srv, alice, q("q", srv.URL+"/@carol")).accts(); got != "" {
			t.Errorf("blocked by carol, by URL: %q", got)
		}

		// GET /api/v1/accounts/search: a user token.
		var accts []struct{ Acct string }
		get(t, srv, alice, "/api/v1/accounts/search?q=bo", 200, &accts)
		if len(accts) != 1 || accts[0].Acct != "bob" {
			t.Errorf("accounts/search = %+v", accts)
		}
		get(t, srv, nil, "/api/v1/accounts/search?q=bo", 401, nil)
		wantError(t, srv, alice, "GET", "/api/v1/accounts/search", nil, 400)

		// Errors: no q; resolve and offset need a user token.
		wantError(t, srv, alice, "GET", "/api/v2/search", nil, 400)
		wantError(t, srv, alice, "GET", "/api/v2/search?q=", nil, 400)
		wantError(t, srv, nil, "GET", "/api/v2/search?q=al&resolve=true", nil, 401)
		wantError(t, srv, nil, "GET", "/api/v2/search?q=al&offset=1", nil, 401)
		wantError(t, srv, alice, "GET", "/api/v2/search?q=al&resolve=maybe", nil, 422)
	})
}

func TestSearchHashtags(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		post(t, alice, map[string]any{"status": "#Cardiology rounds"})
		post(t, alice, map[string]any{"status": "#cardio_notes", "visibility": "unlisted"})
		post(t, alice, map[string]any{"status": "#cardioSecret", "visibility": "private"})
		post(t, alice, map[string]any{"status": "@bob #cardioPatientX", "visibility": "direct"})
		gone := post(t, alice, map[string]any{"status": "#cardiogone"})
		sendJSON(t, alice, "DELETE", "/api/v1/statuses/"+gone.ID, nil, 200, nil)

		// Only names of public or unlisted posts: a tag used only in
		// private or direct posts is never revealed, not even to their
		// audience or author.
		for _, u := range []*user{nil, alice, bob} {
			r := search(t, srv, u, q("q", "#cardio"))
			if got := r.tags(); got != "cardiology,cardio_notes" { // shorter names first
				t.Errorf("hashtags = %q", got)
			}
			if len(r.Hashtags) > 0 && r.Hashtags[0].History == nil {
				t.Errorf("hashtag without history: %+v", r.Hashtags[0])
			}
		}
		if got := search(t, srv, alice, q("q", "cardiology")).tags(); got != "cardiology" {
			t.Errorf("exact = %q", got)
		}
		if got := search(t, srv, alice, q("q", "cardio", "type", "hashtags", "limit", "1")).tags(); got != "cardiology" {
			t.Errorf("limit = %q", got)
		}
		if got := search(t, srv, alice, q("q", "cardio@x")).tags(); got != "" {
			t.Errorf("address = %q", got)
		}
		// A tag one follows is found by its follower.
		postJSON(t, bob, "/api/v1/tags/cardiofollowed/follow", nil, 200, nil)
		if got := search(t, srv, bob, q("q", "cardiof")).tags(); got != "cardiofollowed" {
			t.Errorf("followed = %q", got)
		}
		if got := search(t, srv, alice, q("q", "cardiof")).tags(); got != "" {
			t.Errorf("someone else's followed tag = %q", got)
		}
	})
}

func TestSearchStatuses(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		carol := signIn(t, srv, "carol")
		dave := signIn(t, srv, "dave")
		mallory := signIn(t, srv, "mallory")
		follows(t, carol, alice)

		pub := post(t, alice, map[string]any{"status": "Echocardiogram public"})
		post(t, alice, map[string]any{"status": "echocardiogram unlisted", "visibility": "unlisted"})
		priv := post(t, alice, map[string]any{"status": "ECHOCARDIOGRAM private", "visibility": "private"})
		post(t, alice, map[string]any{"status": "@dave echocardiogram direct", "visibility": "direct"})
		post(t, alice, map[string]any{"status": "other words", "spoiler_text": "echocardiogram cw"})
		post(t, mallory, map[string]any{"status": "echocardiogram by mallory"})
		post(t, bob, map[string]any{"status": "100% echocardiogram_x"})
		gone := post(t, alice, map[string]any{"status": "echocardiogram deleted"})
		sendJSON(t, alice, "DELETE", "/api/v1/statuses/"+gone.ID, nil, 200, nil)
		if err := srv.Accounts.SetSuspended(context.Background(), "mallory", true); err != nil {
			t.Fatal(err)
		}

		cw := "other words"
		mention := `<span class="h-card"><a href="` + srv.URL + `/@dave" class="u-url mention">@<span>dave</span></a></span> echocardiogram direct`
		for _, tc := range []struct {
			u    *user
			want string
		}{
			// Anonymous: no statuses at all.
			{nil, ""},
			// A stranger: public posts only.
			{bob, "100% echocardiogram_x|" + cw + "|Echocardiogram public"},
			// A follower: unlisted and private too.
			{carol, cw + "|ECHOCARDIOGRAM private|echocardiogram unlisted|Echocardiogram public"},
			// The mentioned: the direct post too.
			{dave, cw + "|" + mention + "|Echocardiogram public"},
			// The author: everything of its own.
			{alice, cw + "|" + mention + "|ECHOCARDIOGRAM private|echocardiogram unlisted|Echocardiogram public"},
		} {
			params := q("q", "echocardiogram", "account_id", idStr(alice.ID))
			if tc.u == bob {
				params = q("q", "echocardiogram")
			}
			r := search(t, srv, tc.u, params)
			if got := r.texts(); got != tc.want {
				name := "anonymous"
				if tc.u != nil {
					name = tc.u.Username
				}
				t.Errorf("%s: statuses\n got %q\nwant %q", name, got, tc.want)
			}
		}
		// Wildcards are literal; paging by ID and offset.
		if got := search(t, srv, bob, q("q", "100%")).texts(); got != "100% echocardiogram_x" {
			t.Errorf("100%%: %q", got)
		}
		if got := search(t, srv, bob, q("q", "_x")).texts(); got != "100% echocardiogram_x" {
			t.Errorf("_x: %q", got)
		}
		if got := search(t, srv, bob, q("q", "%m_")).texts(); got != "" {
			t.Errorf("%%m_: %q", got)
		}
		if got := search(t, srv, carol, q("q", "echocardiogram", "type", "statuses", "max_id", priv.ID)).texts(); got != "echocardiogram unlisted|Echocardiogram public" {
			t.Errorf("max_id: %q", got)
		}
		if got := search(t, srv, carol, q("q", "echocardiogram", "type", "statuses", "min_id", pub.ID, "limit", "1")).texts(); got != "echocardiogram unlisted" {
			t.Errorf("min_id: %q", got)
		}
		if got := search(t, srv, carol, q("q", "echocardiogram", "type", "statuses", "limit", "1", "offset", "1", "account_id", idStr(alice.ID))).texts(); got != "ECHOCARDIOGRAM private" {
			t.Errorf("offset: %q", got)
		}
		// Across a block either way, nothing.
		postJSON(t, alice, "/api/v1/accounts/"+idStr(carol.ID)+"/block", nil, 200, nil)
		if got := search(t, srv, carol, q("q", "echocardiogram", "account_id", idStr(alice.ID))).texts(); got != "" {
			t.Errorf("blocked: %q", got)
		}
		// A status URL finds the status for its audience only.
		privURL := srv.URL + "/@alice/" + priv.ID
		if got := search(t, srv, bob, q("q", privURL)).texts(); got != "" {
			t.Errorf("private by URL for a stranger: %q", got)
		}
		if got := search(t, srv, alice, q("q", privURL)).texts(); got != "ECHOCARDIOGRAM private" {
			t.Errorf("private by URL for its author: %q", got)
		}
		if got := search(t, srv, bob, q("q", srv.URL+"/users/alice/statuses/"+pub.ID)).texts(); got != "Echocardiogram public" {
			t.Errorf("public by URI: %q", got)
		}
	})
}

// Resolving an address on another instance through WebFinger, as toot's
// follow does (type=accounts&resolve=True).
func TestSearchResolveRemote(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		other, err := storage.Open(context.Background(), storagetest.Config(t, s.Dialect()))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = other.Close() })
		if _, err := other.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		here := webtest.Start(t, s, webtest.WithHost("127.0.0.2"), webtest.WithPrivateAddresses())
		there := webtest.Start(t, other, webtest.WithHost("127.0.0.3"), webtest.WithPrivateAddresses())
		there.CreateAccount(t, "carl")
		alice := signIn(t, here, "alice")
		addr := "carl@" + there.Instance.Domain

		if got := search(t, here, alice, q("q", addr, "type", "accounts")).accts(); got != "" {
			t.Errorf("unresolved: %q", got)
		}
		if got := search(t, here, alice, q("q", "@"+addr, "type", "accounts", "resolve", "True")).accts(); got != addr {
			t.Errorf("resolved: %q", got)
		}
		// Known now, without resolving.
		if got := search(t, here, alice, q("q", addr)).accts(); got != addr {
			t.Errorf("known: %q", got)
		}
		if got := search(t, here, alice, q("q", "nobody@"+there.Instance.Domain, "resolve", "true")).accts(); got != "" {
			t.Errorf("unknown remote: %q", got)
		}
	})
}
