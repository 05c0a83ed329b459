package mastodon_test

import (
	"net/url"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// acted is a Status entity with what the status actions change.
type acted struct {
	status
	Reblog           *acted      `json:"reblog"`
	FavouritesCount  int         `json:"favourites_count"`
	ReblogsCount     int         `json:"reblogs_count"`
	Favourited       *bool       `json:"favourited"`
	Reblogged        *bool       `json:"reblogged"`
	Bookmarked       *bool       `json:"bookmarked"`
	Muted            *bool       `json:"muted"`
	Pinned           *bool       `json:"pinned"`
	EditedAt         *string     `json:"edited_at"`
	MediaAttachments []mediaJSON `json:"media_attachments"`
}

// flag reads an optional boolean of the entity ("-" when absent).
func flag(b *bool) string {
	switch {
	case b == nil:
		return "-"
	case *b:
		return "true"
	}
	return "false"
}

// act posts a status action as u and decodes the status it returns.
func act(t *testing.T, u *user, id, action string, want int) acted {
	t.Helper()
	var st acted
	postJSON(t, u, "/api/v1/statuses/"+id+"/"+action, nil, want, &st)
	return st
}

// notes lists u's notifications as "type:account".
func notes(t *testing.T, u *user, query string) string {
	t.Helper()
	var ns []notification
	get(t, u.srv, u, "/api/v1/notifications"+query, 200, &ns)
	return types(ns)
}

func TestFavouriteAndBookmark(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		carol := signIn(t, srv, "carol")
		st := post(t, alice, map[string]any{"status": "a public case"})

		got := act(t, bob, st.ID, "favourite", 200)
		if got.ID != st.ID || flag(got.Favourited) != "true" || got.FavouritesCount != 1 || flag(got.Bookmarked) != "false" {
			t.Fatalf("favourite: %+v", got)
		}
		got = act(t, bob, st.ID, "favourite", 200) // again: nothing changes
		act(t, carol, st.ID, "favourite", 200)
		act(t, alice, st.ID, "favourite", 200) // her own: no notification
		if got = act(t, carol, st.ID, "bookmark", 200); got.FavouritesCount != 3 || flag(got.Bookmarked) != "true" || flag(got.Favourited) != "true" {
			t.Fatalf("bookmark: %+v", got)
		}
		if n := notes(t, alice, ""); n != "favourite:carol,favourite:bob" {
			t.Errorf("alice's notifications = %s", n)
		}
		// Flags are the viewer's own; counts everyone's.
		var seen acted
		get(t, srv, bob, "/api/v1/statuses/"+st.ID, 200, &seen)
		if flag(seen.Favourited) != "true" || flag(seen.Bookmarked) != "false" || seen.FavouritesCount != 3 || flag(seen.Pinned) != "-" {
			t.Errorf("bob sees %+v", seen)
		}
		var anon acted
		get(t, srv, nil, "/api/v1/statuses/"+st.ID, 200, &anon)
		if anon.Favourited != nil || anon.FavouritesCount != 3 {
			t.Errorf("anonymous sees %+v", anon)
		}

		got = act(t, bob, st.ID, "unfavourite", 200)
		if flag(got.Favourited) != "false" || got.FavouritesCount != 2 {
			t.Errorf("unfavourite: %+v", got)
		}
		act(t, bob, st.ID, "unfavourite", 200) // not favourited: still 200
		if n := notes(t, alice, ""); n != "favourite:carol" {
			t.Errorf("after unfavourite, alice's notifications = %s", n)
		}
		if got = act(t, carol, st.ID, "unbookmark", 200); flag(got.Bookmarked) != "false" {
			t.Errorf("unbookmark: %+v", got)
		}
		act(t, carol, st.ID, "unbookmark", 200)

		// Only visible statuses: a stranger cannot favourite or bookmark a
		// followers-only post, nor learn that it exists.
		priv := post(t, alice, map[string]any{"status": "followers only", "visibility": "private"})
		dm := post(t, alice, map[string]any{"status": "@bob just you", "visibility": "direct"})
		for _, a := range []string{"favourite", "bookmark", "reblog", "pin", "mute", "unmute"} {
			wantError(t, srv, carol, "POST", "/api/v1/statuses/"+priv.ID+"/"+a, nil, 404)
			wantError(t, srv, carol, "POST", "/api/v1/statuses/"+dm.ID+"/"+a, nil, 404)
		}
		for _, a := range []string{"unfavourite", "unbookmark", "unreblog", "unpin"} {
			wantError(t, srv, carol, "POST", "/api/v1/statuses/"+priv.ID+"/"+a, nil, 404)
		}
		if got = act(t, bob, dm.ID, "favourite", 200); flag(got.Favourited) != "true" { // bob is mentioned
			t.Errorf("mentioned favourite of direct: %+v", got)
		}
		wantError(t, srv, bob, "POST", "/api/v1/statuses/not-an-id/favourite", nil, 404)
		wantError(t, srv, bob, "POST", "/api/v1/statuses/12345/favourite", nil, 404)
		wantError(t, srv, nil, "POST", "/api/v1/statuses/"+st.ID+"/favourite", nil, 401)
		reader := tokenFor(t, srv, bob.Account, "read")
		wantError(t, srv, reader, "POST", "/api/v1/statuses/"+st.ID+"/favourite", nil, 403)
		bookmarker := tokenFor(t, srv, bob.Account, "write:bookmarks read:bookmarks")
		wantError(t, srv, bookmarker, "POST", "/api/v1/statuses/"+st.ID+"/favourite", nil, 403)
		act(t, bookmarker, st.ID, "bookmark", 200)
		var list []acted
		get(t, srv, bookmarker, "/api/v1/bookmarks", 200, &list)
		if len(list) != 1 || list[0].ID != st.ID || flag(list[0].Bookmarked) != "true" {
			t.Errorf("bookmarks: %+v", list)
		}
		wantError(t, srv, bookmarker, "GET", "/api/v1/favourites", nil, 403)

		// Deleting the status takes its favourites and bookmarks with it.
		decode(t, do(t, srv, alice, "DELETE", "/api/v1/statuses/"+st.ID, "", nil), 200, nil)
		get(t, srv, bob, "/api/v1/bookmarks", 200, &list)
		if len(list) != 0 {
			t.Errorf("bookmarks of a deleted status: %+v", list)
		}
		get(t, srv, bob, "/api/v1/favourites", 200, &list)
		if len(list) != 1 || list[0].ID != dm.ID {
			t.Errorf("favourites after delete: %v", ids(toStatuses(list)))
		}
	})
}

// toStatuses drops the extra fields.
func toStatuses(list []acted) []status {
	out := make([]status, len(list))
	for i, a := range list {
		out[i] = a.status
	}
	return out
}

func TestReblog(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		carol := signIn(t, srv, "carol")
		dave := signIn(t, srv, "dave")
		follows(t, bob, alice)
		follows(t, carol, bob)
		orig := post(t, alice, map[string]any{"status": "worth sharing"})

		var boost acted
		postForm(t, bob, "/api/v1/statuses/"+orig.ID+"/reblog", url.Values{"visibility": {"unlisted"}}, 200, &boost)
		if boost.ID == orig.ID || boost.Reblog == nil || boost.Reblog.ID != orig.ID || boost.Account.Username != "bob" ||
			boost.Visibility != "unlisted" || boost.Content != "" || flag(boost.Reblog.Reblogged) != "true" ||
			boost.Reblog.ReblogsCount != 1 || boost.Reblog.Account.Username != "alice" {
			t.Fatalf("boost: %+v (reblog %+v)", boost, boost.Reblog)
		}
		again := act(t, bob, orig.ID, "reblog", 200)
		if again.ID != boost.ID {
			t.Errorf("second boost %s, want the first %s", again.ID, boost.ID)
		}
		// Boosting the boost boosts the status.
		if again = act(t, bob, boost.ID, "reblog", 200); again.ID != boost.ID {
			t.Errorf("boost of the boost: %s", again.ID)
		}
		if n := notes(t, alice, "?types[]=reblog"); n != "reblog:bob" {
			t.Errorf("alice's notifications = %s", n)
		}
		var ns []notification
		get(t, srv, alice, "/api/v1/notifications?types[]=reblog", 200, &ns)
		if ns[0].Status == nil || ns[0].Status.ID != orig.ID {
			t.Errorf("reblog notification status: %+v", ns[0].Status)
		}
		// Carol follows bob: the boost is in her home, wrapping alice's post.
		var home []acted
		get(t, srv, carol, "/api/v1/timelines/home", 200, &home)
		if len(home) != 1 || home[0].ID != boost.ID || home[0].Reblog == nil || home[0].Reblog.Content != "<p>worth sharing</p>" {
			t.Fatalf("carol's home: %+v", home)
		}
		var by []acct
		get(t, srv, nil, "/api/v1/statuses/"+orig.ID+"/reblogged_by", 200, &by)
		if len(by) != 1 || by[0].Username != "bob" {
			t.Errorf("reblogged_by: %+v", by)
		}
		// The boost is among bob's statuses, and not on the public timelines.
		var list []acted
		get(t, srv, nil, "/api/v1/accounts/"+idStr(bob.ID)+"/statuses", 200, &list)
		if len(list) != 1 || list[0].ID != boost.ID || list[0].Reblog == nil {
			t.Errorf("bob's statuses: %+v", list)
		}
		get(t, srv, nil, "/api/v1/timelines/public", 200, &list)
		if len(list) != 1 || list[0].ID != orig.ID || list[0].ReblogsCount != 1 {
			t.Errorf("public timeline: %+v", list)
		}

		// Private and direct posts cannot be boosted, except private ones
		// by their author; a stranger does not even see them.
		priv := post(t, alice, map[string]any{"status": "followers only", "visibility": "private"})
		dm := post(t, alice, map[string]any{"status": "@bob hello", "visibility": "direct"})
		wantError(t, srv, bob, "POST", "/api/v1/statuses/"+priv.ID+"/reblog", nil, 422)
		wantError(t, srv, bob, "POST", "/api/v1/statuses/"+dm.ID+"/reblog", nil, 422)
		wantError(t, srv, alice, "POST", "/api/v1/statuses/"+dm.ID+"/reblog", nil, 422)
		wantError(t, srv, dave, "POST", "/api/v1/statuses/"+priv.ID+"/reblog", nil, 404)
		self := act(t, alice, priv.ID, "reblog", 200)
		if self.Visibility != "private" || self.Reblog == nil || self.Reblog.ID != priv.ID {
			t.Errorf("self-boost of a private post: %+v", self)
		}
		var probe acted
		decode(t, do(t, srv, dave, "GET", "/api/v1/statuses/"+self.ID, "", nil), 404, nil)
		get(t, srv, bob, "/api/v1/statuses/"+self.ID, 200, &probe)
		wantError(t, srv, dave, "POST", "/api/v1/statuses/"+orig.ID+"/reblog", map[string]any{"visibility": "direct"}, 422)

		// Undo: the boost goes, with its notification and home entries.
		got := act(t, bob, orig.ID, "unreblog", 200)
		if got.ID != orig.ID || flag(got.Reblogged) != "false" || got.ReblogsCount != 0 {
			t.Errorf("unreblog: %+v", got)
		}
		act(t, bob, orig.ID, "unreblog", 200)
		decode(t, do(t, srv, bob, "GET", "/api/v1/statuses/"+boost.ID, "", nil), 404, nil)
		get(t, srv, carol, "/api/v1/timelines/home", 200, &home)
		if len(home) != 0 {
			t.Errorf("carol's home after unreblog: %+v", home)
		}
		if n := notes(t, alice, "?types[]=reblog"); n != "" {
			t.Errorf("after unreblog alice has %s", n)
		}

		// Deleting the boosted status deletes its boosts.
		boost = act(t, carol, orig.ID, "reblog", 200)
		decode(t, do(t, srv, alice, "DELETE", "/api/v1/statuses/"+orig.ID, "", nil), 200, nil)
		decode(t, do(t, srv, carol, "GET", "/api/v1/statuses/"+boost.ID, "", nil), 404, nil)
		var me acct
		get(t, srv, carol, "/api/v1/accounts/verify_credentials", 200, &me)
		if me.StatusesCount != 0 {
			t.Errorf("carol's statuses_count after the boosted post went: %d", me.StatusesCount)
		}
	})
}

func TestPin(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		var posts []status
		for i := 0; i < 6; i++ {
			posts = append(posts, post(t, alice, map[string]any{"status": "note " + string(rune('a'+i))}))
		}
		priv := post(t, alice, map[string]any{"status": "followers", "visibility": "private"})
		dm := post(t, alice, map[string]any{"status": "@bob dm", "visibility": "direct"})
		bobs := post(t, bob, map[string]any{"status": "bob's"})

		got := act(t, alice, posts[0].ID, "pin", 200)
		if flag(got.Pinned) != "true" {
			t.Fatalf("pin: %+v", got)
		}
		act(t, alice, posts[0].ID, "pin", 200) // again: nothing changes
		act(t, alice, priv.ID, "pin", 200)
		for _, p := range posts[1:4] {
			act(t, alice, p.ID, "pin", 200)
		}
		var e errorBody
		postJSON(t, alice, "/api/v1/statuses/"+posts[4].ID+"/pin", nil, 422, &e)
		if e.Error != "Validation failed: You have already pinned the maximum number of posts" {
			t.Errorf("sixth pin: %q", e.Error)
		}
		wantError(t, srv, alice, "POST", "/api/v1/statuses/"+dm.ID+"/pin", nil, 422)
		wantError(t, srv, alice, "POST", "/api/v1/statuses/"+bobs.ID+"/pin", nil, 422)
		writer := tokenFor(t, srv, alice.Account, "write:statuses")
		wantError(t, srv, writer, "POST", "/api/v1/statuses/"+posts[4].ID+"/pin", nil, 403)

		// Strangers see the public pins, not the private one.
		var pinned []acted
		get(t, srv, nil, "/api/v1/accounts/"+idStr(alice.ID)+"/statuses?pinned=true", 200, &pinned)
		if got := ids(toStatuses(pinned)); len(got) != 4 || got[0] != posts[3].ID || got[3] != posts[0].ID {
			t.Errorf("pinned for strangers: %v", got)
		}
		get(t, srv, alice, "/api/v1/accounts/"+idStr(alice.ID)+"/statuses?pinned=true", 200, &pinned)
		if len(pinned) != 5 || pinned[0].ID != priv.ID || flag(pinned[0].Pinned) != "true" {
			t.Errorf("pinned for alice: %v", ids(toStatuses(pinned)))
		}
		// pinned is the author's flag only.
		var seen acted
		get(t, srv, bob, "/api/v1/statuses/"+posts[0].ID, 200, &seen)
		if seen.Pinned != nil {
			t.Errorf("bob sees pinned=%s", flag(seen.Pinned))
		}

		if got = act(t, alice, posts[0].ID, "unpin", 200); flag(got.Pinned) != "false" {
			t.Errorf("unpin: %+v", got)
		}
		act(t, alice, posts[0].ID, "unpin", 200)
		act(t, alice, posts[4].ID, "pin", 200) // room again
		decode(t, do(t, srv, alice, "DELETE", "/api/v1/statuses/"+posts[4].ID, "", nil), 200, nil)
		get(t, srv, alice, "/api/v1/accounts/"+idStr(alice.ID)+"/statuses?pinned=true", 200, &pinned)
		if len(pinned) != 4 {
			t.Errorf("pins after deleting a pinned post: %v", ids(toStatuses(pinned)))
		}
	})
}

func TestMuteConversation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		root := post(t, alice, map[string]any{"status": "a thread"})
		reply := post(t, bob, map[string]any{"status": "@alice first", "in_reply_to_id": root.ID})

		// Muting through a reply mutes the whole conversation.
		got := act(t, alice, reply.ID, "mute", 200)
		if flag(got.Muted) != "true" {
			t.Fatalf("mute: %+v", got)
		}
		var seen acted
		get(t, srv, alice, "/api/v1/statuses/"+root.ID, 200, &seen)
		if flag(seen.Muted) != "true" {
			t.Errorf("root not muted: %+v", seen)
		}
		get(t, srv, bob, "/api/v1/statuses/"+root.ID, 200, &seen)
		if flag(seen.Muted) != "false" {
			t.Errorf("muted is alice's own: bob sees %s", flag(seen.Muted))
		}
		before := notes(t, alice, "")
		act(t, bob, root.ID, "favourite", 200)
		act(t, bob, root.ID, "reblog", 200)
		post(t, bob, map[string]any{"status": "@alice second", "in_reply_to_id": reply.ID})
		if n := notes(t, alice, ""); n != before {
			t.Errorf("muted thread notified: %s (before: %s)", n, before)
		}
		// Other threads still notify.
		other := post(t, alice, map[string]any{"status": "elsewhere"})
		act(t, bob, other.ID, "favourite", 200)
		if n := notes(t, alice, "?types[]=favourite"); n != "favourite:bob" {
			t.Errorf("other thread: %s", n)
		}

		if got = act(t, alice, root.ID, "unmute", 200); flag(got.Muted) != "false" {
			t.Errorf("unmute: %+v", got)
		}
		act(t, alice, root.ID, "unmute", 200)
		post(t, bob, map[string]any{"status": "@alice third", "in_reply_to_id": root.ID})
		var ns []notification
		get(t, srv, alice, "/api/v1/notifications?types[]=mention&limit=1", 200, &ns)
		if len(ns) != 1 || ns[0].Status == nil || ns[0].Status.Content == "" || ns[0].Status.InReplyToID == nil || *ns[0].Status.InReplyToID != root.ID {
			t.Errorf("after unmute: %+v", ns)
		}
		writer := tokenFor(t, srv, alice.Account, "write:statuses")
		wantError(t, srv, writer, "POST", "/api/v1/statuses/"+root.ID+"/mute", nil, 403)
	})
}
