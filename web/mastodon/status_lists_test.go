package mastodon_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// followPages follows the Link header's next links from path as u, returning
// the IDs of each page; the last page is the empty one without a Link.
func followPages(t *testing.T, u *user, path string, idOf func([]byte) []string) [][]string {
	t.Helper()
	var out [][]string
	for i := 0; i < 10; i++ {
		res := do(t, u.srv, u, "GET", path, "", nil)
		var raw rawJSON
		decode(t, res, 200, &raw)
		page := idOf(raw)
		link := res.Header.Get("Link")
		if len(page) == 0 {
			if link != "" {
				t.Errorf("%s: empty page with Link %q", path, link)
			}
			return out
		}
		out = append(out, page)
		next, _ := links(t, link)
		path = next.RequestURI()
	}
	t.Fatalf("%s: no end after 10 pages", path)
	return nil
}

// rawJSON keeps a body for a second decoding.
type rawJSON []byte

func (r *rawJSON) UnmarshalJSON(b []byte) error {
	*r = append((*r)[:0], b...)
	return nil
}

func statusIDs(b []byte) []string {
	var sts []status
	mustUnmarshal(b, &sts)
	return ids(sts)
}

func accountNames(b []byte) []string {
	var as []acct
	mustUnmarshal(b, &as)
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Username
	}
	return out
}

func TestFavouritesAndBookmarksPaging(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		var sts []status
		for i := 0; i < 5; i++ {
			sts = append(sts, post(t, alice, map[string]any{"status": fmt.Sprintf("case %d", i)}))
		}
		// Favourited out of posting order: the list is in favouriting order.
		order := []int{2, 0, 4, 1, 3}
		for _, i := range order {
			act(t, bob, sts[i].ID, "favourite", 200)
			act(t, bob, sts[i].ID, "bookmark", 200)
		}
		want := [][]string{{sts[3].ID, sts[1].ID}, {sts[4].ID, sts[0].ID}, {sts[2].ID}}
		for _, path := range []string{"/api/v1/favourites?limit=2", "/api/v1/bookmarks?limit=2"} {
			got := followPages(t, bob, path, statusIDs)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s: %v, want %v", path, got, want)
			}
		}
		// The cursors are the favourites' own IDs, and prev goes back.
		h := get(t, srv, bob, "/api/v1/favourites?limit=2", 200, nil)
		next, _ := links(t, h.Get("Link"))
		if next.Query().Get("max_id") == sts[1].ID || next.Query().Get("limit") != "2" {
			t.Errorf("next link %s uses the status ID", next)
		}
		var page []status
		h = get(t, srv, bob, next.RequestURI(), 200, &page)
		_, prev := links(t, h.Get("Link"))
		get(t, srv, bob, prev.RequestURI(), 200, &page)
		if got := ids(page); !slices.Equal(got, want[0]) {
			t.Errorf("prev page: %v, want %v", got, want[0])
		}
		// Alice sees none of bob's.
		get(t, srv, alice, "/api/v1/favourites", 200, &page)
		if len(page) != 0 {
			t.Errorf("alice's favourites: %v", ids(page))
		}
		wantError(t, srv, nil, "GET", "/api/v1/bookmarks", nil, 401)

		// A status bob may no longer see leaves his lists: its author
		// blocked him.
		postJSON(t, alice, "/api/v1/accounts/"+idStr(bob.ID)+"/block", nil, 200, nil)
		get(t, srv, bob, "/api/v1/favourites", 200, &page)
		if len(page) != 0 {
			t.Errorf("favourites of a blocker's posts: %v", ids(page))
		}
	})
}

func TestFavouritedAndRebloggedByPaging(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		st := post(t, alice, map[string]any{"status": "popular"})
		priv := post(t, alice, map[string]any{"status": "followers", "visibility": "private"})
		var names []string
		for i := 0; i < 3; i++ {
			u := signIn(t, srv, fmt.Sprintf("fan%d", i))
			act(t, u, st.ID, "favourite", 200)
			act(t, u, st.ID, "reblog", 200)
			names = append([]string{u.Username}, names...)
		}
		want := fmt.Sprint([][]string{names[:2], names[2:]})
		for _, path := range []string{"/favourited_by?limit=2", "/reblogged_by?limit=2"} {
			got := followPages(t, alice, "/api/v1/statuses/"+st.ID+path, accountNames)
			if fmt.Sprint(got) != want {
				t.Errorf("%s: %v, want %v", path, got, want)
			}
			// Anonymous readers see them too, but not those of a status
			// they may not see.
			var as []acct
			get(t, srv, nil, "/api/v1/statuses/"+st.ID+path, 200, &as)
			wantError(t, srv, nil, "GET", "/api/v1/statuses/"+priv.ID+path, nil, 404)
		}
		var as []acct
		get(t, srv, alice, "/api/v1/statuses/"+priv.ID+"/favourited_by", 200, &as)
		if len(as) != 0 {
			t.Errorf("favourited_by of an unfavourited status: %v", as)
		}
	})
}

func mustUnmarshal(b []byte, v any) {
	if err := json.Unmarshal(b, v); err != nil {
		panic(fmt.Sprintf("decode %s: %v", b, err))
	}
}
