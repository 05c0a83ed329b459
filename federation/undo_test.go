package federation_test

import (
	"context"
	"log/slog"
	"net/http"
	"testing"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/core/follow"
	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/federation/federationtest"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// TestUndoByID: an Undo whose object is only the id of an earlier Follow
// (accepted at once, still a request, or authorised later), Block, Like or
// Announce undoes what that activity did, when the actor undoing it is the
// one who did it. Another actor on the same server changes nothing; one on
// another server is refused at the inbox.
func TestUndoByID(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		srv := webtest.Start(t, s, webtest.WithManualJobs(), webtest.WithPrivateAddresses(),
			webtest.WithFederation(func(c *federation.Config) { c.AuthorizedFetch = true }))
		bob := srv.CreateAccount(t, "bob")
		carol, err := srv.Accounts.Create(ctx, account.NewAccount{
			Username: "carol", Email: "carol@example.org", Password: webtest.Password, Locked: true, Approved: true, Confirmed: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		bobURI, carolURI := srv.URL+"/users/bob", srv.URL+"/users/carol"
		log := slog.New(slog.DiscardHandler)
		profiles := profile.New(s, srv.Instance)
		timelines := timeline.New(s, profiles)
		posts := post.New(s, srv.Instance, profiles, timelines, log)
		st, err := posts.Create(ctx, bob, post.Draft{Text: "M&M conference moved", Visibility: "public"})
		if err != nil {
			t.Fatal(err)
		}
		noteURI := federation.StatusURI(bobURI, st.ID)

		alice := federationtest.NewRemoteActor(t, "alice", federationtest.KeyFragment)
		mallory := alice.Beside(t, "mallory", federationtest.KeyFragment) // same server
		eve := federationtest.NewRemoteActor(t, "eve", federationtest.KeyFragment)
		send := func(from *federationtest.RemoteActor, act federationtest.Activity, want int) {
			t.Helper()
			act["actor"] = from.ID()
			if res := from.Post(t, bobURI+"/inbox", act); res.Status != want {
				t.Fatalf("%s %v: %d %s, want %d", act["type"], act["object"], res.Status, res.Body, want)
			}
			if _, err := srv.Jobs.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		undo := func(from *federationtest.RemoteActor, name string, object any, want int) {
			t.Helper()
			send(from, federationtest.Activity{"id": from.ID() + "#undo/" + name, "type": "Undo", "object": object}, want)
		}
		id := func(s string) string { return alice.ID() + "#" + s }
		send(alice, federationtest.Activity{"id": id("follows/1"), "type": "Follow", "object": bobURI}, 202)
		send(mallory, federationtest.Activity{"id": mallory.ID() + "#follows/1", "type": "Follow", "object": bobURI}, 202)
		aliceAcct, err := s.RemoteAccountByURI(ctx, alice.ID())
		if err != nil {
			t.Fatal(err)
		}
		ties := func(local *storage.Account) storage.Ties {
			t.Helper()
			ts, err := s.TiesOf(ctx, local.ID, []int64{aliceAcct.ID})
			if err != nil {
				t.Fatal(err)
			}
			return ts
		}
		counts := func() (favourites, reblogs int) {
			t.Helper()
			got, err := timelines.Get(ctx, bob, st.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.FavouritesCount, got.ReblogsCount
		}

		// Follow: another actor of the same server cannot undo it; its own
		// actor can; one on another server is refused with 403.
		if !ties(bob).FollowedBy[aliceAcct.ID] {
			t.Fatal("alice's Follow was not accepted")
		}
		undo(mallory, "1", id("follows/1"), 202)
		if !ties(bob).FollowedBy[aliceAcct.ID] {
			t.Error("mallory undid alice's follow")
		}
		undo(eve, "1", id("follows/1"), http.StatusForbidden)
		undo(alice, "1", id("follows/1"), 202)
		if ties(bob).FollowedBy[aliceAcct.ID] {
			t.Error("alice's follow survived its Undo by id")
		}

		// A follow request, and a request authorised afterwards.
		send(alice, federationtest.Activity{"id": id("follows/2"), "type": "Follow", "object": carolURI}, 202)
		if !ties(carol).RequestedBy[aliceAcct.ID] {
			t.Fatal("alice's request to carol was not stored")
		}
		undo(alice, "2", id("follows/2"), 202)
		if ties(carol).RequestedBy[aliceAcct.ID] {
			t.Error("alice's follow request survived its Undo by id")
		}
		send(alice, federationtest.Activity{"id": id("follows/3"), "type": "Follow", "object": carolURI}, 202)
		if _, err := follow.New(s, profiles, log).Authorize(ctx, carol, aliceAcct.ID); err != nil {
			t.Fatal(err)
		}
		if !ties(carol).FollowedBy[aliceAcct.ID] {
			t.Fatal("carol's authorisation did not make alice a follower")
		}
		undo(alice, "3", id("follows/3"), 202)
		if ties(carol).FollowedBy[aliceAcct.ID] {
			t.Error("an authorised follow survived its Undo by id")
		}

		// Like and Announce.
		send(alice, federationtest.Activity{"id": id("likes/1"), "type": "Like", "object": noteURI}, 202)
		send(alice, federationtest.Activity{"id": id("boosts/1"), "type": "Announce", "object": noteURI,
			"to": []string{federation.PublicCollection}, "cc": []string{alice.ID() + "/followers"}}, 202)
		if f, r := counts(); f != 1 || r != 1 {
			t.Fatalf("after Like and Announce: %d favourites, %d boosts", f, r)
		}
		undo(mallory, "likes", id("likes/1"), 202)
		undo(mallory, "boosts", id("boosts/1"), 202)
		if f, r := counts(); f != 1 || r != 1 {
			t.Errorf("after mallory's Undos: %d favourites, %d boosts", f, r)
		}
		undo(alice, "likes", id("likes/1"), 202)
		undo(alice, "boosts", id("boosts/1"), 202)
		if f, r := counts(); f != 0 || r != 0 {
			t.Errorf("after alice's Undos by id: %d favourites, %d boosts", f, r)
		}

		// Block, undone by an embedded Block that carries only its id.
		send(alice, federationtest.Activity{"id": id("blocks/1"), "type": "Block", "object": bobURI}, 202)
		if !ties(bob).BlockedBy[aliceAcct.ID] {
			t.Fatal("alice's Block was not applied")
		}
		undo(mallory, "blocks", id("blocks/1"), 202)
		if !ties(bob).BlockedBy[aliceAcct.ID] {
			t.Error("mallory undid alice's block")
		}
		undo(alice, "blocks", map[string]any{"id": id("blocks/1"), "type": "Block"}, 202)
		if ties(bob).BlockedBy[aliceAcct.ID] {
			t.Error("alice's block survived its Undo by id")
		}

		// An id that names nothing stored is accepted and does nothing.
		undo(alice, "unknown", id("likes/404"), 202)
	})
}
