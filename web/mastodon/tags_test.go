package mastodon_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// hashtag is the Tag entity as the tests read it.
type hashtag struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	URL     string `json:"url"`
	History []struct {
		Day, Uses, Accounts string
	} `json:"history"`
	Following *bool `json:"following"`
}

func TestTags(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		reader := signIn(t, srv, "reader", "read")
		post(t, alice, map[string]any{"status": "#Radiology one"})
		post(t, alice, map[string]any{"status": "#radiology two", "visibility": "unlisted"})
		post(t, bob, map[string]any{"status": "#radiology three"})
		post(t, bob, map[string]any{"status": "#radiology private", "visibility": "private"})
		post(t, bob, map[string]any{"status": "@alice #radiology direct", "visibility": "direct"})

		var tg hashtag
		get(t, srv, nil, "/api/v1/tags/Radiology", 200, &tg)
		if tg.ID == "" || tg.Name != "radiology" || tg.URL != srv.Instance.BaseURL()+"/tags/radiology" || tg.Following != nil {
			t.Fatalf("anonymous tag = %+v", tg)
		}
		if len(tg.History) != 7 {
			t.Fatalf("history = %+v", tg.History)
		}
		today := time.Now().UTC().Truncate(24 * time.Hour)
		// Today first; private and direct posts are not counted.
		if h := tg.History[0]; h.Day != fmt.Sprint(today.Unix()) || h.Uses != "3" || h.Accounts != "2" {
			t.Errorf("today = %+v", h)
		}
		if h := tg.History[6]; h.Day != fmt.Sprint(today.AddDate(0, 0, -6).Unix()) || h.Uses != "0" || h.Accounts != "0" {
			t.Errorf("a week ago = %+v", h)
		}
		get(t, srv, alice, "/api/v1/tags/%23radiology", 200, &tg)
		if tg.Following == nil || *tg.Following {
			t.Errorf("signed-in tag = %+v", tg)
		}

		// A valid name nobody used: Mastodon answers with an unsaved tag.
		get(t, srv, nil, "/api/v1/tags/neverused", 200, &tg)
		if tg.ID != "" || tg.Name != "neverused" || len(tg.History) != 7 || tg.History[0].Uses != "0" {
			t.Errorf("unused tag = %+v", tg)
		}
		for _, bad := range []string{"no-dash", "123", "%20"} {
			wantError(t, srv, nil, "GET", "/api/v1/tags/"+bad, nil, 404)
		}

		// Follow, list, unfollow.
		wantError(t, srv, nil, "POST", "/api/v1/tags/radiology/follow", nil, 401)
		wantError(t, srv, reader, "POST", "/api/v1/tags/radiology/follow", nil, 403)
		wantError(t, srv, alice, "POST", "/api/v1/tags/no-dash/follow", nil, 404)
		postJSON(t, alice, "/api/v1/tags/Radiology/follow", nil, 200, &tg)
		if tg.Name != "radiology" || tg.Following == nil || !*tg.Following {
			t.Fatalf("followed = %+v", tg)
		}
		postJSON(t, alice, "/api/v1/tags/radiology/follow", nil, 200, &tg) // again: no change
		postJSON(t, alice, "/api/v1/tags/brandnew/follow", nil, 200, &tg)
		if tg.ID == "" || !*tg.Following {
			t.Fatalf("followed new tag = %+v", tg)
		}
		for i := 0; i < 3; i++ {
			postJSON(t, alice, fmt.Sprintf("/api/v1/tags/t%d/follow", i), nil, 200, nil)
		}
		var followed []hashtag
		get(t, srv, alice, "/api/v1/followed_tags", 200, &followed)
		var names []string
		for _, f := range followed {
			names = append(names, f.Name)
			if f.Following == nil || !*f.Following || len(f.History) != 7 {
				t.Errorf("followed tag %+v", f)
			}
		}
		if !slices.Equal(names, []string{"t2", "t1", "t0", "brandnew", "radiology"}) {
			t.Errorf("followed_tags = %v", names)
		}
		h := get(t, srv, alice, "/api/v1/followed_tags?limit=2", 200, &followed)
		next, _ := links(t, h.Get("Link"))
		get(t, srv, alice, next.RequestURI(), 200, &followed)
		if len(followed) != 2 || followed[0].Name != "t0" || followed[1].Name != "brandnew" {
			t.Errorf("second page = %+v", followed)
		}
		get(t, srv, bob, "/api/v1/followed_tags", 200, &followed)
		if len(followed) != 0 {
			t.Errorf("bob follows %+v", followed)
		}
		wantError(t, srv, nil, "GET", "/api/v1/followed_tags", nil, 401)

		postJSON(t, alice, "/api/v1/tags/radiology/unfollow", nil, 200, &tg)
		if *tg.Following {
			t.Errorf("unfollowed = %+v", tg)
		}
		postJSON(t, alice, "/api/v1/tags/nosuchtag/unfollow", nil, 200, &tg)
		if tg.ID != "" || *tg.Following {
			t.Errorf("unfollow unknown = %+v", tg)
		}
		get(t, srv, alice, "/api/v1/tags/radiology", 200, &tg)
		if *tg.Following {
			t.Errorf("still following")
		}
	})
}

func TestTagTimeline(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob") // follows alice, mentioned
		follows(t, bob, alice)
		name := map[string]string{}
		mk := func(label string, fields map[string]any) {
			name[post(t, alice, fields).ID] = label
		}
		mk("public", map[string]any{"status": "#Case one"})
		mk("unlisted", map[string]any{"status": "#case two", "visibility": "unlisted"})
		mk("private", map[string]any{"status": "#case three", "visibility": "private"})
		mk("direct", map[string]any{"status": "@bob #case four", "visibility": "direct"})
		mk("case+mri", map[string]any{"status": "#case #mri"})
		mk("mri", map[string]any{"status": "#mri only"})
		mk("case+ct", map[string]any{"status": "#case #ct"})
		remote := remoteAccount(t, s, "rem", "other.example")
		name[remoteStatus(t, s, remote, "#case from afar", "public", "case")] = "remote"
		remoteStatus(t, s, remote, "#case unlisted from afar", "unlisted", "case")

		seen := func(u *user, path string) []string {
			var sts []status
			get(t, srv, u, path, 200, &sts)
			var out []string
			for _, st := range sts {
				out = append(out, name[st.ID])
			}
			slices.Sort(out)
			return out
		}
		for _, tc := range []struct {
			path string
			want []string
		}{
			{"/api/v1/timelines/tag/case", []string{"case+ct", "case+mri", "public", "remote"}},
			{"/api/v1/timelines/tag/CASE?local=true", []string{"case+ct", "case+mri", "public"}},
			{"/api/v1/timelines/tag/case?remote=1", []string{"remote"}},
			{"/api/v1/timelines/tag/case?any[]=mri", []string{"case+ct", "case+mri", "mri", "public", "remote"}},
			{"/api/v1/timelines/tag/case?all[]=mri", []string{"case+mri"}},
			{"/api/v1/timelines/tag/case?none[]=mri&none[]=ct", []string{"public", "remote"}},
			{"/api/v1/timelines/tag/case?only_media=true", nil},
			{"/api/v1/timelines/tag/nothing", nil},
		} {
			// Never unlisted, private or direct: not for the author, a
			// follower, the mentioned, or anyone anonymous.
			for _, u := range []*user{nil, alice, bob} {
				if got := seen(u, tc.path); !slices.Equal(got, tc.want) {
					t.Errorf("%s as %v: %v, want %v", tc.path, u != nil, got, tc.want)
				}
			}
		}
		wantError(t, srv, nil, "GET", "/api/v1/timelines/tag/no-dash", nil, 404)
		wantError(t, srv, nil, "GET", "/api/v1/timelines/tag/case?any[]=bad-name", nil, 422)
		wantError(t, srv, nil, "GET", "/api/v1/timelines/tag/case?local=maybe", nil, 422)
	})
}

func TestTagTimelinePaging(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		var want []string
		for i := 0; i < 12; i++ {
			want = append([]string{post(t, alice, map[string]any{"status": fmt.Sprint("#paging ", i)}).ID}, want...)
			post(t, alice, map[string]any{"status": "#paging hidden", "visibility": "unlisted"})
		}
		if got := pages(t, srv, nil, "/api/v1/timelines/tag/paging?limit=5"); !slices.Equal(got, want) {
			t.Errorf("paged %v\nwant %v", got, want)
		}
	})
}

func TestFollowedTagsReachHome(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		carol := signIn(t, srv, "carol") // follows the tag, not alice
		dave := signIn(t, srv, "dave")   // follows the tag, blocked by alice
		postJSON(t, carol, "/api/v1/tags/cardiology/follow", nil, 200, nil)
		postJSON(t, dave, "/api/v1/tags/Cardiology/follow", nil, 200, nil)
		postJSON(t, alice, "/api/v1/accounts/"+idStr(dave.ID)+"/block", nil, 200, nil)
		pub := post(t, alice, map[string]any{"status": "#Cardiology rounds"})
		unl := post(t, alice, map[string]any{"status": "#cardiology quiet", "visibility": "unlisted"})
		prv := post(t, alice, map[string]any{"status": "#cardiology private", "visibility": "private"})
		other := post(t, alice, map[string]any{"status": "#neurology"})
		postJSON(t, carol, "/api/v1/tags/echo/follow", nil, 200, nil)
		both := post(t, alice, map[string]any{"status": "#cardiology #echo"})
		var home []status
		get(t, srv, carol, "/api/v1/timelines/home", 200, &home)
		if !slices.Equal(ids(home), []string{both.ID, pub.ID}) {
			t.Errorf("carol's home = %v, want %s, %s (not %s, %s, %s)", ids(home), both.ID, pub.ID, unl.ID, prv.ID, other.ID)
		}
		get(t, srv, dave, "/api/v1/timelines/home", 200, &home)
		if len(home) != 0 {
			t.Errorf("blocked dave's home = %v", ids(home))
		}

		// Unfollowing the tag takes out what only the tag brought.
		postJSON(t, carol, "/api/v1/tags/cardiology/unfollow", nil, 200, nil)
		get(t, srv, carol, "/api/v1/timelines/home", 200, &home)
		if !slices.Equal(ids(home), []string{both.ID}) {
			t.Errorf("after unfollow carol's home = %v", ids(home))
		}
	})
}
