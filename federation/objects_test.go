package federation_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/federation/federationtest"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

func jsonOf(t *testing.T, res federationtest.Response) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(res.Body), &m); err != nil {
		t.Fatalf("%d %q: %v", res.Status, res.Body, err)
	}
	return m
}

// TestServeObjects: under authorized fetch, statuses and collections are
// served only to signed requests, and non-public statuses only to signers
// in their audience; unsigned actor requests get a minimal actor; deleted
// statuses are 410 Tombstones; browsers are sent to the profile page.
func TestServeObjects(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		srv := webtest.Start(t, s, webtest.WithPrivateAddresses(),
			webtest.WithFederation(func(c *federation.Config) { c.AuthorizedFetch = true }))
		alice := srv.CreateAccount(t, "alice")
		follower := federationtest.NewRemoteActor(t, "fiona", federationtest.KeyFragment)
		mentioned := federationtest.NewRemoteActor(t, "mike", federationtest.KeyFragment)
		stranger := federationtest.NewRemoteActor(t, "sam", federationtest.KeyDocument)
		actor := srv.URL + "/users/alice"

		// Minimal actor unsigned, the whole actor signed; a bad signature is 401.
		min := jsonOf(t, stranger.Get(t, actor, false))
		if min["id"] != actor || min["preferredUsername"] != "alice" || min["inbox"] != actor+"/inbox" || min["publicKey"] == nil {
			t.Errorf("minimal actor %v", min)
		}
		if _, ok := min["followers"]; ok {
			t.Errorf("the minimal actor says more than it must: %v", min)
		}
		full := jsonOf(t, follower.Get(t, actor, true))
		if full["followers"] != actor+"/followers" {
			t.Errorf("signed actor request: %v", full)
		}
		mentioned.Get(t, actor, true) // stores mike, so that a mention can name him
		rotated := federationtest.NewRemoteActor(t, "rita", federationtest.KeyFragment)
		rotated.Get(t, actor, true)
		rotated.Rotate(t) // signs with a key its published actor does not hold... until refetched
		if res := rotated.Get(t, actor, true); res.Status != http.StatusOK {
			t.Errorf("a rotated key is refetched and accepted: %d %s", res.Status, res.Body)
		}

		fionaAcct, err := s.RemoteAccountByURI(ctx, follower.ID())
		if err != nil {
			t.Fatal(err)
		}
		if err := s.UpsertFollow(ctx, &storage.Follow{AccountID: fionaAcct.ID, TargetAccountID: alice.ID, ShowReblogs: true}); err != nil {
			t.Fatal(err)
		}
		profiles := profile.New(s, srv.Instance)
		timelines := timeline.New(s, profiles)
		posts := post.New(s, srv.Instance, profiles, timelines, slog.New(slog.DiscardHandler))
		statuses := map[string]int64{}
		for _, vis := range []string{"public", "unlisted", "private", "direct"} {
			st, err := posts.Create(ctx, alice, post.Draft{Text: "@mike@" + mentioned.Host() + " " + vis + " #rounds", Visibility: vis})
			if err != nil {
				t.Fatal(err)
			}
			statuses[vis] = st.ID
		}
		url := func(vis string) string { return actor + "/statuses/" + strconv.FormatInt(statuses[vis], 10) }

		for _, tc := range []struct {
			name   string
			who    *federationtest.RemoteActor
			vis    string
			signed bool
			status int
		}{
			{"unsigned public", stranger, "public", false, 401},
			{"stranger, public", stranger, "public", true, 200},
			{"stranger, unlisted", stranger, "unlisted", true, 200},
			{"stranger, private", stranger, "private", true, 404},
			{"stranger, direct", stranger, "direct", true, 404},
			{"follower, private", follower, "private", true, 200},
			{"follower, direct", follower, "direct", true, 404},
			{"mentioned, direct", mentioned, "direct", true, 200},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := tc.who.Get(t, url(tc.vis), tc.signed)
				if res.Status != tc.status {
					t.Fatalf("%d, want %d: %s", res.Status, tc.status, res.Body)
				}
				if res.Status == 200 {
					note := jsonOf(t, res)
					if note["type"] != "Note" || note["id"] != url(tc.vis) || note["attributedTo"] != actor ||
						!strings.Contains(note["content"].(string), tc.vis) || note["replies"] == nil {
						t.Errorf("note %v", note)
					}
				}
			})
		}

		// Addressing of a public note: to Public, cc followers and the mentioned.
		note := jsonOf(t, stranger.Get(t, url("public"), true))
		to, _ := note["to"].([]any)
		cc, _ := note["cc"].([]any)
		if len(to) != 1 || to[0] != federation.PublicCollection || len(cc) != 2 || cc[0] != actor+"/followers" || cc[1] != mentioned.ID() {
			t.Errorf("public note addressed to %v cc %v", to, cc)
		}
		tags, _ := note["tag"].([]any)
		if len(tags) != 2 {
			t.Errorf("tags %v, want the mention and the hashtag", tags)
		}

		// Deleted: 410 with a Tombstone.
		if _, err := posts.Delete(ctx, alice, statuses["unlisted"], false); err != nil {
			t.Fatal(err)
		}
		res := stranger.Get(t, url("unlisted"), true)
		if tomb := jsonOf(t, res); res.Status != http.StatusGone || tomb["type"] != "Tombstone" || tomb["id"] != url("unlisted") {
			t.Errorf("deleted status: %d %v", res.Status, tomb)
		}
		if strings.Contains(res.Body, "unlisted #rounds") {
			t.Error("the tombstone holds the deleted text")
		}

		// Collections: the outbox lists what the signer may see.
		outbox := jsonOf(t, stranger.Get(t, actor+"/outbox", true))
		if outbox["type"] != "OrderedCollection" || outbox["totalItems"] != float64(2) {
			t.Errorf("outbox %v (public and private remain; direct posts are not counted)", outbox)
		}
		page := jsonOf(t, stranger.Get(t, actor+"/outbox?page=true", true))
		items, _ := page["orderedItems"].([]any)
		if len(items) != 1 {
			t.Fatalf("a stranger's outbox page has %d items, want the public post only: %v", len(items), page)
		}
		if obj := items[0].(map[string]any)["object"].(map[string]any); obj["id"] != url("public") {
			t.Errorf("outbox item %v", items[0])
		}
		followers := jsonOf(t, stranger.Get(t, actor+"/followers?page=true", true))
		if fi, _ := followers["orderedItems"].([]any); len(fi) != 1 || fi[0] != follower.ID() {
			t.Errorf("followers page %v", followers)
		}
		if res := stranger.Get(t, actor+"/followers", false); res.Status != 401 {
			t.Errorf("unsigned followers: %d", res.Status)
		}

		// Browsers go to the status page, which decides what they see.
		req, _ := http.NewRequest(http.MethodGet, url("public"), nil)
		req.Header.Set("Accept", "text/html")
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		hres, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, hres.Body)
		hres.Body.Close()
		if want := srv.URL + "/@alice/" + strconv.FormatInt(statuses["public"], 10); hres.StatusCode != http.StatusFound || hres.Header.Get("Location") != want {
			t.Errorf("browser: %d %s", hres.StatusCode, hres.Header.Get("Location"))
		}

		// A blocked domain's signed request is refused.
		if _, err := federation.NewDomains(s, srv.Instance).Set(ctx, stranger.Host(), storage.PolicyBlock, true); err != nil {
			t.Fatal(err)
		}
		if res := stranger.Get(t, url("public"), true); res.Status != http.StatusForbidden {
			t.Errorf("blocked signer: %d %s", res.Status, res.Body)
		}
	})
}
