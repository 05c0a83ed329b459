package mastodon_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// accountCacheWorld is an author with a professional profile whose
// fields have three audiences, readers in each, and a public status of
// the author's in every follower's home timeline.
type accountCacheWorld struct {
	srv                    *webtest.Server
	owner                  *user
	follower, doc, strange *user
}

// The three fields the tests read and the audience each starts with.
const (
	fieldPublic    = "Specialty"   // public
	fieldFollowers = "Institution" // followers
	fieldDoctors   = "Department"  // physicians
)

func newAccountCacheWorld(t *testing.T, s *storage.Store) *accountCacheWorld {
	t.Helper()
	srv := webtest.Start(t, s)
	w := &accountCacheWorld{srv: srv, owner: signIn(t, srv, "owner")}
	patchJSON(t, w.owner, "/api/v1/rounds/profile", map[string]any{
		"specialty": "radiology", "institution": "Mercy General", "department": "Stroke unit",
		"audiences": map[string]string{"specialty": "public", "institution": "followers", "department": "physicians"},
	}, 200, nil)
	verify(t, srv, "owner", "MD")
	w.follower = signIn(t, srv, "follower")
	follow(t, w.follower, w.owner.Account)
	w.doc = signIn(t, srv, "doc")
	verify(t, srv, "doc", "MD")
	follow(t, w.doc, w.owner.Account)
	w.strange = signIn(t, srv, "stranger")
	post(t, w.owner, map[string]any{"status": "rounds at eight", "visibility": "public"})
	return w
}

// seen is what one page showed of the owner: whether its status was on
// the page, and which of the three fields and the verification its
// account carried (in the Mastodon fields and in Account.rounds alike).
type seen struct {
	shown                              bool
	public, followers, doctors, verify bool
}

// ownerOn reads path as u and returns what it showed of the owner.
func (w *accountCacheWorld) ownerOn(t *testing.T, u *user, path string) seen {
	t.Helper()
	out, err := w.read(u, path)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// read is ownerOn without a test, for other goroutines.
func (w *accountCacheWorld) read(u *user, path string) (seen, error) {
	req, err := http.NewRequest(http.MethodGet, w.srv.URL+path, nil)
	if err != nil {
		return seen{}, err
	}
	if u != nil {
		req.Header.Set("Authorization", "Bearer "+u.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return seen{}, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return seen{}, fmt.Errorf("GET %s: %s", path, res.Status)
	}
	// A page of statuses or of notifications (with their statuses).
	var page []struct {
		Account proAccount `json:"account"`
		Status  *struct {
			Account proAccount `json:"account"`
		} `json:"status"`
		Reblog *struct {
			Account proAccount `json:"account"`
		} `json:"reblog"`
	}
	if err := json.NewDecoder(res.Body).Decode(&page); err != nil {
		return seen{}, fmt.Errorf("GET %s: %w", path, err)
	}
	var accts []proAccount
	for _, e := range page {
		accts = append(accts, e.Account)
		if e.Status != nil {
			accts = append(accts, e.Status.Account)
		}
		if e.Reblog != nil {
			accts = append(accts, e.Reblog.Account)
		}
	}
	var out seen
	for _, a := range accts {
		if a.ID != idStr(w.owner.ID) {
			continue
		}
		_, pub := a.field(fieldPublic)
		_, fol := a.field(fieldFollowers)
		_, doc := a.field(fieldDoctors)
		if (a.Rounds.Profile["institution"] != nil) != fol || (a.Rounds.Profile["department"] != nil) != doc {
			return seen{}, fmt.Errorf("GET %s: fields %v and rounds.profile %v disagree", path, a.fieldNames(), keys(a.Rounds.Profile))
		}
		got := seen{shown: true, public: pub, followers: fol, doctors: doc, verify: a.Rounds.Verification != nil}
		if out.shown && out != got {
			return seen{}, fmt.Errorf("GET %s: the owner's statuses show %+v and %+v", path, out, got)
		}
		out = got
	}
	return out, nil
}

// home and ownStatuses are the two pages the tests read: the home
// timeline and the owner's statuses.
const home = "/api/v1/timelines/home?limit=40"

func (w *accountCacheWorld) ownStatuses() string {
	return "/api/v1/accounts/" + idStr(w.owner.ID) + "/statuses"
}

// expect reads path as u twice (the second answer comes from what the
// first kept) and checks both against want.
func (w *accountCacheWorld) expect(t *testing.T, who string, u *user, path string, want seen) {
	t.Helper()
	for i := range 2 {
		if got := w.ownerOn(t, u, path); got != want {
			t.Fatalf("%s, read %d of %s: %+v, want %+v", who, i+1, path, got, want)
		}
	}
}

// Readers in different audiences of one author, reading in turn, each
// see their own audience's fields: a rendering kept for one is never
// served to another.
func TestAccountCacheAudiencesInTurn(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newAccountCacheWorld(t, s)
		fol := seen{shown: true, public: true, followers: true, verify: true}
		doc := seen{shown: true, public: true, followers: true, doctors: true, verify: true}
		str := seen{shown: true, public: true, verify: true}
		own := seen{shown: true, public: true, followers: true, doctors: true, verify: true}
		for range 2 {
			w.expect(t, "follower", w.follower, home, fol)
			w.expect(t, "physician", w.doc, home, doc)
			w.expect(t, "follower", w.follower, w.ownStatuses(), fol)
			w.expect(t, "stranger", w.strange, w.ownStatuses(), str)
			w.expect(t, "anonymous", nil, w.ownStatuses(), str)
			w.expect(t, "physician", w.doc, w.ownStatuses(), doc)
			w.expect(t, "owner", w.owner, w.ownStatuses(), own)
		}
	})
}

// Readers in different audiences reading the same author at the same
// time each get their own audience's fields (run with -race).
func TestAccountCacheConcurrentAudiences(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newAccountCacheWorld(t, s)
		readers := []struct {
			who  string
			u    *user
			want seen
		}{
			{"follower", w.follower, seen{shown: true, public: true, followers: true, verify: true}},
			{"physician", w.doc, seen{shown: true, public: true, followers: true, doctors: true, verify: true}},
			{"stranger", w.strange, seen{shown: true, public: true, verify: true}},
			{"owner", w.owner, seen{shown: true, public: true, followers: true, doctors: true, verify: true}},
		}
		var wg sync.WaitGroup
		for _, r := range readers {
			wg.Go(func() {
				for range 10 {
					got, err := w.read(r.u, w.ownStatuses())
					if err != nil || got != r.want {
						t.Errorf("%s: %+v (%v), want %+v", r.who, got, err, r.want)
						return
					}
				}
			})
		}
		wg.Wait()
	})
}

// An audience narrowed is seen by the very next page.
func TestAccountCacheAudienceNarrowed(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newAccountCacheWorld(t, s)
		w.expect(t, "follower", w.follower, home, seen{shown: true, public: true, followers: true, verify: true})
		patchJSON(t, w.owner, "/api/v1/rounds/profile", map[string]any{
			"audiences": map[string]string{"institution": "only_me"},
		}, 200, nil)
		w.expect(t, "follower after narrowing", w.follower, home, seen{shown: true, public: true, verify: true})
	})
}

// A follow that ends is seen by the very next page.
func TestAccountCacheFollowEnds(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newAccountCacheWorld(t, s)
		w.expect(t, "follower", w.follower, w.ownStatuses(), seen{shown: true, public: true, followers: true, verify: true})
		postJSON(t, w.follower, "/api/v1/accounts/"+idStr(w.owner.ID)+"/unfollow", map[string]any{}, 200, nil)
		w.expect(t, "former follower", w.follower, w.ownStatuses(), seen{shown: true, public: true, verify: true})
	})
}

// A block, either way, is seen by the very next page: the author's
// statuses are gone, and with them every field.
func TestAccountCacheBlock(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newAccountCacheWorld(t, s)
		w.expect(t, "follower", w.follower, home, seen{shown: true, public: true, followers: true, verify: true})
		w.expect(t, "physician", w.doc, home, seen{shown: true, public: true, followers: true, doctors: true, verify: true})
		postJSON(t, w.owner, "/api/v1/accounts/"+idStr(w.follower.ID)+"/block", map[string]any{}, 200, nil)
		postJSON(t, w.doc, "/api/v1/accounts/"+idStr(w.owner.ID)+"/block", map[string]any{}, 200, nil)
		w.expect(t, "blocked follower", w.follower, home, seen{})
		w.expect(t, "blocking physician", w.doc, home, seen{})
		w.expect(t, "stranger", w.strange, w.ownStatuses(), seen{shown: true, public: true, verify: true})
	})
}

// A verification revoked is seen by the very next page: the author's
// badge goes for everyone, and a reader's own revocation takes the
// physicians' fields from what it reads.
func TestAccountCacheVerificationRevoked(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := newAccountCacheWorld(t, s)
		w.expect(t, "physician", w.doc, home, seen{shown: true, public: true, followers: true, doctors: true, verify: true})
		w.expect(t, "follower", w.follower, home, seen{shown: true, public: true, followers: true, verify: true})
		staff := credential.Staff{Via: storage.VerifiedViaCLI}
		if err := w.srv.Credentials.Unverify(ctx, staff, "doc"); err != nil {
			t.Fatal(err)
		}
		w.expect(t, "physician no longer verified", w.doc, home, seen{shown: true, public: true, followers: true, verify: true})
		if err := w.srv.Credentials.Unverify(ctx, staff, "owner"); err != nil {
			t.Fatal(err)
		}
		w.expect(t, "follower of an author no longer verified", w.follower, home, seen{shown: true, public: true, followers: true})
	})
}

// Notifications show the notifying account as each reader may see it,
// and an audience narrowed is seen by the very next read.
func TestAccountCacheNotifications(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newAccountCacheWorld(t, s)
		post(t, w.owner, map[string]any{"status": "@follower @doc @stranger handover at six", "visibility": "public"})
		const notes = "/api/v1/notifications?types[]=mention"
		for range 2 {
			w.expect(t, "follower", w.follower, notes, seen{shown: true, public: true, followers: true, verify: true})
			w.expect(t, "physician", w.doc, notes, seen{shown: true, public: true, followers: true, doctors: true, verify: true})
			w.expect(t, "stranger", w.strange, notes, seen{shown: true, public: true, verify: true})
		}
		patchJSON(t, w.owner, "/api/v1/rounds/profile", map[string]any{
			"audiences": map[string]string{"department": "only_me"},
		}, 200, nil)
		w.expect(t, "physician after narrowing", w.doc, notes, seen{shown: true, public: true, followers: true, verify: true})
	})
}

// The author of a boosted status is shown as each reader's own ties to
// them allow, and a follow is seen by the very next page: the ties that
// decided a page (which the page's accounts are rendered with) cover the
// boosted statuses' authors too.
func TestAccountCacheBoosted(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newAccountCacheWorld(t, s)
		booster := signIn(t, w.srv, "booster")
		follow(t, w.strange, booster.Account)
		st := post(t, w.owner, map[string]any{"status": "handover at six", "visibility": "public"})
		postJSON(t, booster, "/api/v1/statuses/"+st.ID+"/reblog", map[string]any{}, 200, nil)
		w.expect(t, "stranger following the booster", w.strange, home, seen{shown: true, public: true, verify: true})
		w.expect(t, "follower", w.follower, home, seen{shown: true, public: true, followers: true, verify: true})
		follow(t, w.strange, w.owner.Account)
		w.expect(t, "stranger now following", w.strange, home, seen{shown: true, public: true, followers: true, verify: true})
	})
}

// A suspension is seen by the very next page: the author's statuses are
// gone.
func TestAccountCacheSuspension(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newAccountCacheWorld(t, s)
		w.expect(t, "follower", w.follower, home, seen{shown: true, public: true, followers: true, verify: true})
		if err := w.srv.Accounts.SetSuspended(context.Background(), "owner", true); err != nil {
			t.Fatal(err)
		}
		w.expect(t, "follower", w.follower, home, seen{})
	})
}
