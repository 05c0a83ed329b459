package federation_test

import (
	"context"
	"log/slog"
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

// TestInboxActivities sends a Rounds instance the activities other than
// Create and Follow, as a Mastodon server would, and checks their effect.
func TestInboxActivities(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		srv := webtest.Start(t, s, webtest.WithManualJobs(), webtest.WithPrivateAddresses(),
			webtest.WithFederation(func(c *federation.Config) { c.AuthorizedFetch = true }))
		bob := srv.CreateAccount(t, "bob")
		bobURI := srv.URL + "/users/bob"
		remote := federationtest.NewRemoteActor(t, "alice", federationtest.KeyFragment)
		profiles := profile.New(s, srv.Instance)
		posts := post.New(s, srv.Instance, profiles, timeline.New(s, profiles), slog.New(slog.DiscardHandler))
		st, err := posts.Create(ctx, bob, post.Draft{Text: "case conference at noon", Visibility: "public"})
		if err != nil {
			t.Fatal(err)
		}
		noteURI := federation.StatusURI(bobURI, st.ID)
		send := func(act federationtest.Activity) {
			t.Helper()
			if res := remote.Post(t, bobURI+"/inbox", act); res.Status != 202 {
				t.Fatalf("%s: %d %s", act["type"], res.Status, res.Body)
			}
			if _, err := srv.Jobs.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		id := func(s string) string { return remote.ID() + "#" + s }

		// Like and Announce of bob's status, then their Undo.
		send(federationtest.Activity{"id": id("like"), "type": "Like", "actor": remote.ID(), "object": noteURI})
		alice, err := s.RemoteAccountByURI(ctx, remote.ID())
		if err != nil {
			t.Fatal(err)
		}
		notes := func() map[string]int {
			ns, err := s.Notifications(ctx, bob.ID, storage.NotificationFilter{}, storage.Page{Limit: 20})
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]int{}
			for _, n := range ns {
				out[n.Type]++
			}
			return out
		}
		if notes()["favourite"] != 1 {
			t.Errorf("after a Like, bob's notifications: %v", notes())
		}
		send(federationtest.Activity{"id": id("boost"), "type": "Announce", "actor": remote.ID(), "object": noteURI,
			"to": []string{federation.PublicCollection}, "cc": []string{remote.ID() + "/followers"}})
		if _, err := s.ReblogBy(ctx, alice.ID, st.ID); err != nil || notes()["reblog"] != 1 {
			t.Errorf("after an Announce: boost %v, notifications %v", err, notes())
		}
		send(federationtest.Activity{"id": id("unboost"), "type": "Undo", "actor": remote.ID(),
			"object": map[string]any{"id": id("boost"), "type": "Announce", "actor": remote.ID(), "object": noteURI}})
		if _, err := s.ReblogBy(ctx, alice.ID, st.ID); err == nil {
			t.Error("the boost survived its Undo")
		}
		send(federationtest.Activity{"id": id("unlike"), "type": "Undo", "actor": remote.ID(),
			"object": map[string]any{"type": "Like", "actor": remote.ID(), "object": noteURI}})
		if notes()["favourite"] != 0 {
			t.Errorf("after the Undo of the Like: %v", notes())
		}

		// Flag: a report for moderators.
		send(federationtest.Activity{"id": id("flag"), "type": "Flag", "actor": remote.ID(),
			"content": "<p>Shares <b>patient</b> data</p>", "object": []string{bobURI, noteURI}})
		reports, err := s.ReportsAbout(ctx, bob.ID)
		if err != nil || len(reports) != 1 || reports[0].Comment != "Shares patient data" ||
			len(reports[0].StatusIDList()) != 1 || reports[0].StatusIDList()[0] != st.ID {
			t.Errorf("reports: %+v, %v", reports, err)
		}

		// Update of the actor: refetched, not read from the body.
		remote.SetExtra(map[string]any{"name": "Dr Alice Renamed"})
		send(federationtest.Activity{"id": id("update"), "type": "Update", "actor": remote.ID(),
			"object": map[string]any{"id": remote.ID(), "type": "Person", "name": "Forged in the body"}})
		if a, err := s.RemoteAccountByURI(ctx, remote.ID()); err != nil || a.DisplayName != "Dr Alice Renamed" {
			t.Errorf("after Update: %q, %v", a.DisplayName, err)
		}

		// Block: bob is blocked by alice.
		send(federationtest.Activity{"id": id("block"), "type": "Block", "actor": remote.ID(), "object": bobURI})
		ties, err := s.TiesOf(ctx, bob.ID, []int64{alice.ID})
		if err != nil || !ties.BlockedBy[alice.ID] {
			t.Errorf("after Block: %+v, %v", ties, err)
		}

		// Delete of the actor: its content goes, the account is suspended.
		send(federationtest.Activity{"id": id("create"), "type": "Create", "actor": remote.ID(), "to": []string{bobURI},
			"object": map[string]any{"id": remote.ID() + "/statuses/1", "type": "Note", "attributedTo": remote.ID(),
				"to": []string{bobURI}, "content": "<p>hi</p>"}})
		if _, err := s.StatusByURI(ctx, remote.ID()+"/statuses/1"); err != nil {
			t.Fatalf("the status to delete was not stored: %v", err)
		}
		send(federationtest.Activity{"id": id("delete"), "type": "Delete", "actor": remote.ID(), "object": remote.ID()})
		a, err := s.RemoteAccountByURI(ctx, remote.ID())
		if err != nil || !a.Suspended() {
			t.Errorf("after Delete of the actor: %+v, %v", a, err)
		}
		if rst, err := s.StatusByURI(ctx, remote.ID()+"/statuses/1"); err != nil || rst.DeletedAt == nil || rst.Content != "" {
			t.Errorf("the deleted actor's status: %+v, %v", rst, err)
		}
	})
}
