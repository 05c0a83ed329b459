package mastodon_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// The error bodies every Mastodon client knows, word for word.
const (
	msgToken    = "The access token is invalid"
	msgScope    = "This action is outside the authorized scopes"
	msgNotFound = "Record not found"
	msgUser     = "This method requires an authenticated user"
)

// appToken gets an app-only token (the client_credentials grant) with
// every user scope: it may call the API, but acts as no account.
func appToken(t *testing.T, srv *webtest.Server) *user {
	t.Helper()
	const sc = "read write follow push"
	id, secret := registerApp(t, srv, sc)
	res, err := http.PostForm(srv.URL+"/oauth/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "scope": {sc},
	})
	if err != nil {
		t.Fatal(err)
	}
	var tok map[string]any
	decode(t, res, 200, &tok)
	return &user{srv: srv, token: tok["access_token"].(string)}
}

// TestErrorCases checks the error answers — status and exact
// {"error": ...} body — of endpoints whose other tests only see them
// succeed: no token, a token without the route's scope, an app-only token
// on a route that acts as an account, an unknown or another account's ID,
// and the parameters the handler validates. Each
// failed request must also leave what it names unchanged.
func TestErrorCases(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		carol := signIn(t, srv, "carol")
		lenaAcct, err := srv.Accounts.Create(context.Background(), account.NewAccount{
			Username: "lena", Email: "lena@example.org", Password: webtest.Password, Locked: true, Approved: true, Confirmed: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		lena := tokenFor(t, srv, lenaAcct)
		// alice's tokens with one scope each: each is near, but not, the
		// scope a route asks for.
		scoped := map[string]*user{}
		for _, sc := range []string{"read", "write", "read:accounts", "read:follows", "read:statuses",
			"write:follows", "write:blocks"} {
			scoped[sc] = tokenFor(t, srv, alice.Account, sc)
		}
		stale := &user{srv: srv, token: "not-a-token"}
		app := appToken(t, srv)

		// carol asks to follow lena: a request that is lena's to answer, not alice's.
		postJSON(t, carol, "/api/v1/accounts/"+idStr(lena.ID)+"/follow", nil, 200, nil)
		// bob's list with carol on it, and bob's filter naming one of his statuses.
		var bobList list
		postJSON(t, bob, "/api/v1/lists", map[string]any{"title": "bob's"}, 200, &bobList)
		follows(t, bob, carol)
		postJSON(t, bob, "/api/v1/lists/"+bobList.ID+"/accounts", map[string]any{"account_ids": []string{idStr(carol.ID)}}, 200, nil)
		var bobFilter struct {
			ID string `json:"id"`
		}
		postJSON(t, bob, "/api/v2/filters", map[string]any{"title": "bob's", "context": []string{"home"}}, 200, &bobFilter)
		bobs := post(t, bob, map[string]any{"status": "bob's"})
		postJSON(t, bob, "/api/v2/filters/"+bobFilter.ID+"/statuses", map[string]any{"status_id": bobs.ID}, 200, nil)
		var aliceList list
		postJSON(t, alice, "/api/v1/lists", map[string]any{"title": "alice's"}, 200, &aliceList)

		me, b, c := idStr(alice.ID), idStr(bob.ID), idStr(carol.ID)
		const unknown = "999999999"
		for _, tc := range []struct {
			name         string
			u            *user
			method, path string
			body         string // JSON, "" for none
			status       int
			msg          string
		}{
			// GET /api/v1/preferences: read:accounts.
			{"preferences anonymous", nil, "GET", "/api/v1/preferences", "", 401, msgToken},
			{"preferences stale token", stale, "GET", "/api/v1/preferences", "", 401, msgToken},
			{"preferences read:follows", scoped["read:follows"], "GET", "/api/v1/preferences", "", 403, msgScope},
			{"preferences write", scoped["write"], "GET", "/api/v1/preferences", "", 403, msgScope},
			{"preferences app token", app, "GET", "/api/v1/preferences", "", 422, msgUser},

			// GET /api/v1/accounts/relationships: read:follows.
			{"relationships anonymous", nil, "GET", "/api/v1/accounts/relationships?id[]=" + b, "", 401, msgToken},
			{"relationships read:accounts", scoped["read:accounts"], "GET", "/api/v1/accounts/relationships?id[]=" + b, "", 403, msgScope},
			{"relationships app token", app, "GET", "/api/v1/accounts/relationships?id[]=" + b, "", 422, msgUser},

			// POST /api/v1/accounts/:id/unfollow: write:follows.
			{"unfollow anonymous", nil, "POST", "/api/v1/accounts/" + b + "/unfollow", "", 401, msgToken},
			{"unfollow read", scoped["read"], "POST", "/api/v1/accounts/" + b + "/unfollow", "", 403, msgScope},
			{"unfollow write:blocks", scoped["write:blocks"], "POST", "/api/v1/accounts/" + b + "/unfollow", "", 403, msgScope},
			{"unfollow app token", app, "POST", "/api/v1/accounts/" + b + "/unfollow", "", 422, msgUser},
			{"unfollow unknown", alice, "POST", "/api/v1/accounts/" + unknown + "/unfollow", "", 404, msgNotFound},
			{"unfollow malformed id", alice, "POST", "/api/v1/accounts/bob/unfollow", "", 404, msgNotFound},
			{"unfollow self", alice, "POST", "/api/v1/accounts/" + me + "/unfollow", "", 422, "Validation failed: You cannot unfollow yourself"},

			// POST /api/v1/accounts/:id/unblock: write:blocks.
			{"unblock anonymous", nil, "POST", "/api/v1/accounts/" + b + "/unblock", "", 401, msgToken},
			{"unblock write:follows", scoped["write:follows"], "POST", "/api/v1/accounts/" + b + "/unblock", "", 403, msgScope},
			{"unblock app token", app, "POST", "/api/v1/accounts/" + b + "/unblock", "", 422, msgUser},
			{"unblock unknown", alice, "POST", "/api/v1/accounts/" + unknown + "/unblock", "", 404, msgNotFound},
			{"unblock malformed id", alice, "POST", "/api/v1/accounts/-1/unblock", "", 404, msgNotFound},
			{"unblock self", alice, "POST", "/api/v1/accounts/" + me + "/unblock", "", 422, "Validation failed: You cannot unblock yourself"},

			// POST /api/v1/accounts/:id/unmute: write:mutes.
			{"unmute anonymous", nil, "POST", "/api/v1/accounts/" + b + "/unmute", "", 401, msgToken},
			{"unmute write:blocks", scoped["write:blocks"], "POST", "/api/v1/accounts/" + b + "/unmute", "", 403, msgScope},
			{"unmute app token", app, "POST", "/api/v1/accounts/" + b + "/unmute", "", 422, msgUser},
			{"unmute unknown", alice, "POST", "/api/v1/accounts/" + unknown + "/unmute", "", 404, msgNotFound},
			{"unmute malformed id", alice, "POST", "/api/v1/accounts/0/unmute", "", 404, msgNotFound},
			{"unmute self", alice, "POST", "/api/v1/accounts/" + me + "/unmute", "", 422, "Validation failed: You cannot unmute yourself"},

			// POST /api/v1/follow_requests/:id/reject: write:follows.
			{"reject anonymous", nil, "POST", "/api/v1/follow_requests/" + c + "/reject", "", 401, msgToken},
			{"reject write:blocks", scoped["write:blocks"], "POST", "/api/v1/follow_requests/" + c + "/reject", "", 403, msgScope},
			{"reject app token", app, "POST", "/api/v1/follow_requests/" + c + "/reject", "", 422, msgUser},
			{"reject unknown account", alice, "POST", "/api/v1/follow_requests/" + unknown + "/reject", "", 404, msgNotFound},
			{"reject account with no request", lena, "POST", "/api/v1/follow_requests/" + b + "/reject", "", 404, msgNotFound},
			{"reject another's request", alice, "POST", "/api/v1/follow_requests/" + c + "/reject", "", 404, msgNotFound},
			{"reject malformed id", lena, "POST", "/api/v1/follow_requests/carol/reject", "", 404, msgNotFound},

			// GET /api/v1/follow_requests: read:follows.
			{"follow_requests anonymous", nil, "GET", "/api/v1/follow_requests", "", 401, msgToken},
			{"follow_requests stale token", stale, "GET", "/api/v1/follow_requests", "", 401, msgToken},
			{"follow_requests read:accounts", scoped["read:accounts"], "GET", "/api/v1/follow_requests", "", 403, msgScope},
			{"follow_requests app token", app, "GET", "/api/v1/follow_requests", "", 422, msgUser},

			// GET /api/v1/blocks: read:blocks.
			{"blocks anonymous", nil, "GET", "/api/v1/blocks", "", 401, msgToken},
			{"blocks read:follows", scoped["read:follows"], "GET", "/api/v1/blocks", "", 403, msgScope},
			{"blocks write", scoped["write"], "GET", "/api/v1/blocks", "", 403, msgScope},
			{"blocks app token", app, "GET", "/api/v1/blocks", "", 422, msgUser},

			// GET /api/v1/accounts/:id/followers and .../following: public,
			// read:accounts when a token is sent.
			{"followers write", scoped["write"], "GET", "/api/v1/accounts/" + b + "/followers", "", 403, msgScope},
			{"followers unknown", nil, "GET", "/api/v1/accounts/" + unknown + "/followers", "", 404, msgNotFound},
			{"followers unknown signed in", alice, "GET", "/api/v1/accounts/" + unknown + "/followers", "", 404, msgNotFound},
			{"followers malformed id", nil, "GET", "/api/v1/accounts/bob/followers", "", 404, msgNotFound},
			{"following write", scoped["write"], "GET", "/api/v1/accounts/" + b + "/following", "", 403, msgScope},
			{"following unknown", nil, "GET", "/api/v1/accounts/" + unknown + "/following", "", 404, msgNotFound},
			{"following unknown signed in", alice, "GET", "/api/v1/accounts/" + unknown + "/following", "", 404, msgNotFound},
			{"following malformed id", nil, "GET", "/api/v1/accounts/1x/following", "", 404, msgNotFound},

			// POST /api/v1/tags/:name/unfollow: write:follows.
			{"tag unfollow anonymous", nil, "POST", "/api/v1/tags/radiology/unfollow", "", 401, msgToken},
			{"tag unfollow write:blocks", scoped["write:blocks"], "POST", "/api/v1/tags/radiology/unfollow", "", 403, msgScope},
			{"tag unfollow read", scoped["read"], "POST", "/api/v1/tags/radiology/unfollow", "", 403, msgScope},
			{"tag unfollow app token", app, "POST", "/api/v1/tags/radiology/unfollow", "", 422, msgUser},
			{"tag unfollow invalid name", alice, "POST", "/api/v1/tags/no-dash/unfollow", "", 404, msgNotFound},

			// GET /api/v1/notifications/unread_count: read:notifications.
			{"unread_count anonymous", nil, "GET", "/api/v1/notifications/unread_count", "", 401, msgToken},
			{"unread_count read:statuses", scoped["read:statuses"], "GET", "/api/v1/notifications/unread_count", "", 403, msgScope},
			{"unread_count app token", app, "GET", "/api/v1/notifications/unread_count", "", 422, msgUser},
			{"unread_count bad account_id", alice, "GET", "/api/v1/notifications/unread_count?account_id=bob", "", 422, "Validation failed: account_id is not a valid ID"},

			// GET /api/v2/filters/:id/statuses: read:filters.
			{"filter statuses anonymous", nil, "GET", "/api/v2/filters/" + bobFilter.ID + "/statuses", "", 401, msgToken},
			{"filter statuses read:statuses", scoped["read:statuses"], "GET", "/api/v2/filters/" + bobFilter.ID + "/statuses", "", 403, msgScope},
			{"filter statuses app token", app, "GET", "/api/v2/filters/" + bobFilter.ID + "/statuses", "", 422, msgUser},
			{"filter statuses another's filter", alice, "GET", "/api/v2/filters/" + bobFilter.ID + "/statuses", "", 404, msgNotFound},
			{"filter statuses unknown", alice, "GET", "/api/v2/filters/" + unknown + "/statuses", "", 404, msgNotFound},
			{"filter statuses malformed id", alice, "GET", "/api/v2/filters/home/statuses", "", 404, msgNotFound},

			// DELETE /api/v1/lists/:id/accounts: write:lists.
			{"list remove anonymous", nil, "DELETE", "/api/v1/lists/" + aliceList.ID + "/accounts?account_ids[]=" + c, "", 401, msgToken},
			{"list remove read", scoped["read"], "DELETE", "/api/v1/lists/" + aliceList.ID + "/accounts?account_ids[]=" + c, "", 403, msgScope},
			{"list remove write:follows", scoped["write:follows"], "DELETE", "/api/v1/lists/" + aliceList.ID + "/accounts?account_ids[]=" + c, "", 403, msgScope},
			{"list remove app token", app, "DELETE", "/api/v1/lists/" + aliceList.ID + "/accounts?account_ids[]=" + c, "", 422, msgUser},
			{"list remove another's list", alice, "DELETE", "/api/v1/lists/" + bobList.ID + "/accounts?account_ids[]=" + c, "", 404, msgNotFound},
			{"list remove another's list (body)", alice, "DELETE", "/api/v1/lists/" + bobList.ID + "/accounts", `{"account_ids":["` + c + `"]}`, 404, msgNotFound},
			{"list remove unknown list", alice, "DELETE", "/api/v1/lists/" + unknown + "/accounts?account_ids[]=" + c, "", 404, msgNotFound},
			{"list remove malformed list id", alice, "DELETE", "/api/v1/lists/radiology/accounts?account_ids[]=" + c, "", 404, msgNotFound},
			{"list remove malformed account id", alice, "DELETE", "/api/v1/lists/" + aliceList.ID + "/accounts", `{"account_ids":["carol"]}`, 422, "Validation failed: account_ids contains an invalid ID"},
			{"list remove unparsable body", alice, "DELETE", "/api/v1/lists/" + aliceList.ID + "/accounts", `{"account_ids":`, 400, "the request body could not be parsed"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				ct := ""
				if tc.body != "" {
					ct = "application/json"
				}
				var e map[string]any
				decode(t, do(t, srv, tc.u, tc.method, tc.path, ct, strings.NewReader(tc.body)), tc.status, &e)
				if len(e) != 1 || e["error"] != tc.msg {
					t.Errorf("%s %s: body %v, want {\"error\": %q}", tc.method, tc.path, e, tc.msg)
				}
			})
		}

		// An id[] that cannot name an account (not a positive number) is
		// left out, whatever way it is malformed.
		var rs []relation
		get(t, srv, alice, "/api/v1/accounts/relationships?id[]=abc&id[]=-1&id[]=0&id[]=99999999999999999999&id[]="+b, 200, &rs)
		if len(rs) != 1 || rs[0].ID != b {
			t.Errorf("relationships with malformed ids: %+v", rs)
		}

		// Nothing the refused requests named changed.
		var reqs []acct
		get(t, srv, lena, "/api/v1/follow_requests", 200, &reqs)
		if len(reqs) != 1 || reqs[0].ID != c {
			t.Errorf("lena's follow requests after refused rejects: %+v", reqs)
		}
		var members []acct
		get(t, srv, bob, "/api/v1/lists/"+bobList.ID+"/accounts", 200, &members)
		if len(members) != 1 || members[0].ID != c {
			t.Errorf("bob's list after refused removals: %+v", members)
		}
		var fss []struct {
			StatusID string `json:"status_id"`
		}
		get(t, srv, bob, "/api/v2/filters/"+bobFilter.ID+"/statuses", 200, &fss)
		if len(fss) != 1 || fss[0].StatusID != bobs.ID {
			t.Errorf("bob's filter statuses: %+v", fss)
		}
	})
}
