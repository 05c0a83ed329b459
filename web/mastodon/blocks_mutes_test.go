package mastodon_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// muteRelation is a Relationship with the mute fields.
type muteRelation struct {
	relation
	Muting              bool    `json:"muting"`
	MutingNotifications bool    `json:"muting_notifications"`
	MutingExpiresAt     *string `json:"muting_expires_at"`
}

// relationTo reads u's relationship to other.
func relationTo(t *testing.T, u *user, other *user) muteRelation {
	t.Helper()
	var rs []muteRelation
	get(t, u.srv, u, "/api/v1/accounts/relationships?id[]="+idStr(other.ID), 200, &rs)
	if len(rs) != 1 {
		t.Fatalf("relationships = %+v", rs)
	}
	return rs[0]
}

// timeline lists the status IDs of a timeline as u reads it, boosts as
// "R" + the boosted status's ID.
func timeline(t *testing.T, u *user, path string) string {
	t.Helper()
	var sts []struct {
		status
		Reblog *status `json:"reblog"`
	}
	get(t, u.srv, u, path, 200, &sts)
	var out []string
	for _, st := range sts {
		if st.Reblog != nil {
			out = append(out, "R"+st.Reblog.ID)
		} else {
			out = append(out, st.ID)
		}
	}
	return strings.Join(out, ",")
}

func TestMute(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		carol := signIn(t, srv, "carol")
		// Carol boosts hello before alice and she follow bob, so that the
		// boost reaches both homes (a boost of a status a home holds
		// already is not added to it); following bob then brings his
		// statuses in.
		follows(t, alice, carol)
		hello := post(t, bob, map[string]any{"status": "hello"})
		ping := post(t, bob, map[string]any{"status": "@alice ping"})
		postJSON(t, carol, "/api/v1/statuses/"+hello.ID+"/reblog", nil, 200, nil)
		follows(t, alice, bob)
		follows(t, carol, bob)
		own := post(t, carol, map[string]any{"status": "carol's own"})
		all := own.ID + ",R" + hello.ID + "," + ping.ID + "," + hello.ID
		if got := timeline(t, alice, "/api/v1/timelines/home"); got != all {
			t.Fatalf("home before = %q, want %q", got, all)
		}
		if got := notificationTypes(t, alice); !strings.Contains(got, "mention:bob") {
			t.Fatalf("notifications before = %q", got)
		}

		// Mute, notifications too by default.
		var r muteRelation
		postJSON(t, alice, "/api/v1/accounts/"+idStr(bob.ID)+"/mute", nil, 200, &r)
		if !r.Muting || !r.MutingNotifications || r.MutingExpiresAt != nil || !r.Following {
			t.Errorf("mute = %+v", r)
		}
		if got := relationTo(t, alice, bob); !got.Muting || !got.MutingNotifications {
			t.Errorf("relationship = %+v", got)
		}
		if got := relationTo(t, bob, alice); got.Muting {
			t.Errorf("bob's side = %+v", got)
		}
		// Bob's posts and boosts of them leave alice's home and public
		// timelines; carol's stay, and nothing changes for carol.
		if got := timeline(t, alice, "/api/v1/timelines/home"); got != own.ID {
			t.Errorf("home while muting = %q", got)
		}
		if got := timeline(t, alice, "/api/v1/timelines/public"); got != own.ID {
			t.Errorf("public while muting = %q", got)
		}
		if got := timeline(t, carol, "/api/v1/timelines/home"); got != own.ID+",R"+hello.ID+","+ping.ID+","+hello.ID {
			t.Errorf("carol's home = %q", got)
		}
		// His profile and his statuses still open.
		if got := timeline(t, alice, "/api/v1/accounts/"+idStr(bob.ID)+"/statuses"); got != ping.ID+","+hello.ID {
			t.Errorf("bob's profile = %q", got)
		}
		get(t, srv, alice, "/api/v1/statuses/"+hello.ID, 200, nil)
		// His notifications go, old and new.
		post(t, bob, map[string]any{"status": "@alice again"})
		if got := notificationTypes(t, alice); strings.Contains(got, "bob") {
			t.Errorf("notifications while muting = %q", got)
		}

		// The mute list, with the expiry.
		var mutes []struct {
			ID            string  `json:"id"`
			Username      string  `json:"username"`
			MuteExpiresAt *string `json:"mute_expires_at"`
		}
		get(t, srv, alice, "/api/v1/mutes", 200, &mutes)
		if len(mutes) != 1 || mutes[0].Username != "bob" || mutes[0].MuteExpiresAt != nil {
			t.Errorf("mutes = %+v", mutes)
		}

		// Again, with notifications allowed and for an hour (form).
		postForm(t, alice, "/api/v1/accounts/"+idStr(bob.ID)+"/mute", url.Values{"notifications": {"false"}, "duration": {"3600"}}, 200, &r)
		if !r.Muting || r.MutingNotifications || r.MutingExpiresAt == nil {
			t.Fatalf("timed mute = %+v", r)
		}
		end, err := time.Parse("2006-01-02T15:04:05.000Z", *r.MutingExpiresAt)
		if err != nil || end.Before(time.Now().Add(59*time.Minute)) || end.After(time.Now().Add(61*time.Minute)) {
			t.Errorf("muting_expires_at = %s", *r.MutingExpiresAt)
		}
		if got := notificationTypes(t, alice); !strings.Contains(got, "mention:bob") {
			t.Errorf("notifications muting posts only = %q", got)
		}
		if got := timeline(t, alice, "/api/v1/timelines/home"); got != own.ID {
			t.Errorf("home muting posts only = %q", got)
		}

		// Unmute: his posts are back.
		postJSON(t, alice, "/api/v1/accounts/"+idStr(bob.ID)+"/unmute", nil, 200, &r)
		if r.Muting || r.MutingNotifications || r.MutingExpiresAt != nil {
			t.Errorf("unmute = %+v", r)
		}
		if got := timeline(t, alice, "/api/v1/timelines/home"); !strings.Contains(got, hello.ID) {
			t.Errorf("home after unmute = %q", got)
		}
		get(t, srv, alice, "/api/v1/mutes", 200, &mutes)
		if len(mutes) != 0 {
			t.Errorf("mutes after unmute = %+v", mutes)
		}

		// A mute past its end counts for nothing.
		past := time.Now().Add(-time.Minute)
		if err := s.UpsertMute(context.Background(), &storage.Mute{AccountID: alice.ID, TargetAccountID: bob.ID, HideNotifications: true, ExpiresAt: &past}); err != nil {
			t.Fatal(err)
		}
		if got := relationTo(t, alice, bob); got.Muting {
			t.Errorf("expired mute = %+v", got)
		}
		if got := timeline(t, alice, "/api/v1/timelines/home"); !strings.Contains(got, hello.ID) {
			t.Errorf("home with an expired mute = %q", got)
		}

		// Errors.
		wantError(t, srv, alice, "POST", "/api/v1/accounts/"+idStr(alice.ID)+"/mute", nil, 422)
		wantError(t, srv, alice, "POST", "/api/v1/accounts/123/mute", nil, 404)
		wantError(t, srv, alice, "POST", "/api/v1/accounts/"+idStr(bob.ID)+"/mute", map[string]any{"duration": -5}, 422)
		wantError(t, srv, alice, "POST", "/api/v1/accounts/"+idStr(bob.ID)+"/mute", map[string]any{"notifications": "perhaps"}, 422)
		wantError(t, srv, nil, "POST", "/api/v1/accounts/"+idStr(bob.ID)+"/mute", nil, 401)
		wantError(t, srv, nil, "GET", "/api/v1/mutes", nil, 401)
		reader := tokenFor(t, srv, alice.Account, "read")
		wantError(t, srv, reader, "POST", "/api/v1/accounts/"+idStr(bob.ID)+"/mute", nil, 403)
	})
}

func TestBlockEffects(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		follows(t, alice, bob)
		follows(t, bob, alice)
		fromBob := post(t, bob, map[string]any{"status": "@alice from bob"})
		fromAlice := post(t, alice, map[string]any{"status": "from alice", "visibility": "private"})
		if got := timeline(t, alice, "/api/v1/timelines/home"); got != fromAlice.ID+","+fromBob.ID {
			t.Fatalf("alice's home before = %q", got)
		}

		var r muteRelation
		postJSON(t, alice, "/api/v1/accounts/"+idStr(bob.ID)+"/block", nil, 200, &r)
		if !r.Blocking || r.Following || r.FollowedBy {
			t.Errorf("block = %+v", r)
		}
		if got := relationTo(t, bob, alice); !got.BlockedBy || got.Following || got.FollowedBy {
			t.Errorf("bob's side = %+v", got)
		}
		// Follows both ways end, each one's posts leave the other's home,
		// the blocked one's notifications go, and neither sees the other's
		// posts.
		if got := timeline(t, alice, "/api/v1/timelines/home"); got != fromAlice.ID {
			t.Errorf("alice's home = %q", got)
		}
		if got := timeline(t, bob, "/api/v1/timelines/home"); got != fromBob.ID {
			t.Errorf("bob's home = %q", got)
		}
		if got := notificationTypes(t, alice); got != "" {
			t.Errorf("alice's notifications = %q", got)
		}
		get(t, srv, bob, "/api/v1/statuses/"+fromAlice.ID, 404, nil)
		get(t, srv, alice, "/api/v1/statuses/"+fromBob.ID, 404, nil)
		if got := timeline(t, alice, "/api/v1/timelines/public"); got != "" {
			t.Errorf("alice's public = %q", got)
		}
		wantError(t, srv, bob, "POST", "/api/v1/accounts/"+idStr(alice.ID)+"/follow", nil, 403)
		var blocks []struct{ Username string }
		get(t, srv, alice, "/api/v1/blocks", 200, &blocks)
		if len(blocks) != 1 || blocks[0].Username != "bob" {
			t.Errorf("blocks = %+v", blocks)
		}
		// A mention from someone blocked notifies nobody.
		post(t, bob, map[string]any{"status": "@alice still here"})
		if got := notificationTypes(t, alice); got != "" {
			t.Errorf("alice's notifications after a blocked mention = %q", got)
		}

		postJSON(t, alice, "/api/v1/accounts/"+idStr(bob.ID)+"/unblock", nil, 200, &r)
		if r.Blocking || r.Following {
			t.Errorf("unblock = %+v", r)
		}
		get(t, srv, alice, "/api/v1/blocks", 200, &blocks)
		if len(blocks) != 0 {
			t.Errorf("blocks after unblock = %+v", blocks)
		}
		wantError(t, srv, alice, "POST", "/api/v1/accounts/"+idStr(alice.ID)+"/block", nil, 422)
		wantError(t, srv, alice, "POST", "/api/v1/accounts/123/block", nil, 404)
	})
}

func TestNote(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		var r muteRelation
		postJSON(t, alice, "/api/v1/accounts/"+idStr(bob.ID)+"/note", map[string]any{"comment": "Met at the cardiology congress"}, 200, &r)
		if r.Note != "Met at the cardiology congress" || r.ID != idStr(bob.ID) {
			t.Errorf("note = %+v", r)
		}
		if got := relationTo(t, alice, bob); got.Note != "Met at the cardiology congress" {
			t.Errorf("relationship note = %q", got.Note)
		}
		// Private to its writer.
		if got := relationTo(t, bob, alice); got.Note != "" {
			t.Errorf("bob sees %q", got.Note)
		}
		postForm(t, alice, "/api/v1/accounts/"+idStr(bob.ID)+"/note", url.Values{"comment": {"changed"}}, 200, &r)
		if r.Note != "changed" {
			t.Errorf("changed note = %q", r.Note)
		}
		wantError(t, srv, alice, "POST", "/api/v1/accounts/"+idStr(bob.ID)+"/note", map[string]any{"comment": strings.Repeat("x", 2001)}, 422)
		if got := relationTo(t, alice, bob); got.Note != "changed" {
			t.Errorf("note after a refused change = %q", got.Note)
		}
		postJSON(t, alice, "/api/v1/accounts/"+idStr(bob.ID)+"/note", map[string]any{"comment": ""}, 200, &r)
		if r.Note != "" {
			t.Errorf("cleared note = %q", r.Note)
		}
		wantError(t, srv, alice, "POST", "/api/v1/accounts/123/note", map[string]any{"comment": "x"}, 404)
		wantError(t, srv, nil, "POST", "/api/v1/accounts/"+idStr(bob.ID)+"/note", map[string]any{"comment": "x"}, 401)
	})
}

func TestRemoveFromFollowers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		follows(t, bob, alice)
		follows(t, alice, bob)
		st := post(t, alice, map[string]any{"status": "for followers", "visibility": "private"})
		if got := timeline(t, bob, "/api/v1/timelines/home"); got != st.ID {
			t.Fatalf("bob's home before = %q", got)
		}
		var r muteRelation
		postJSON(t, alice, "/api/v1/accounts/"+idStr(bob.ID)+"/remove_from_followers", nil, 200, &r)
		if r.FollowedBy || !r.Following {
			t.Errorf("remove = %+v", r)
		}
		// Bob no longer follows alice: her posts leave his home, her
		// private ones are out of his reach.
		if got := relationTo(t, bob, alice); got.Following {
			t.Errorf("bob's side = %+v", got)
		}
		if got := timeline(t, bob, "/api/v1/timelines/home"); got != "" {
			t.Errorf("bob's home after = %q", got)
		}
		get(t, srv, bob, "/api/v1/statuses/"+st.ID, 404, nil)
		var followers []struct{ Username string }
		get(t, srv, alice, "/api/v1/accounts/"+idStr(alice.ID)+"/followers", 200, &followers)
		if len(followers) != 0 {
			t.Errorf("followers = %+v", followers)
		}
		// Again: nothing to remove, same answer.
		postJSON(t, alice, "/api/v1/accounts/"+idStr(bob.ID)+"/remove_from_followers", nil, 200, &r)
		if r.FollowedBy {
			t.Errorf("again = %+v", r)
		}
		wantError(t, srv, alice, "POST", "/api/v1/accounts/"+idStr(alice.ID)+"/remove_from_followers", nil, 422)
		wantError(t, srv, alice, "POST", "/api/v1/accounts/123/remove_from_followers", nil, 404)
	})
}
