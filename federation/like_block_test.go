package federation_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/federation/delivery"
	"github.com/rounds-md/rounds/federation/federationtest"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// likeWorld is a Rounds instance with a local account and a remote actor
// whose status is stored here, with deliveries run by hand.
type likeWorld struct {
	srv    *webtest.Server
	store  *storage.Store
	local  *storage.Account
	remote *federationtest.RemoteActor
	posts  *post.Service
	noteID string // the remote status's ActivityPub id
	status int64  // its ID here
}

func newLikeWorld(t *testing.T, s *storage.Store) *likeWorld {
	t.Helper()
	ctx := context.Background()
	srv := webtest.Start(t, s, webtest.WithManualJobs(), webtest.WithPrivateAddresses(),
		webtest.WithFederation(func(c *federation.Config) { c.AuthorizedFetch = true }))
	w := &likeWorld{srv: srv, store: s, local: srv.CreateAccount(t, "bob"),
		remote: federationtest.NewRemoteActor(t, "alice", federationtest.KeyFragment)}
	profiles := profile.New(s, srv.Instance)
	w.posts = post.New(s, srv.Instance, profiles, timeline.New(s, profiles), slog.New(slog.DiscardHandler)).WithPublisher(srv.Federation)
	w.noteID = w.remote.ID() + "/statuses/1"
	bob := srv.URL + "/users/bob"
	note := map[string]any{"id": w.noteID, "type": "Note", "attributedTo": w.remote.ID(),
		"to": []string{federation.PublicCollection}, "cc": []string{bob}, "content": "<p>@bob journal club moved</p>",
		"tag": []any{map[string]any{"type": "Mention", "href": bob, "name": "@bob"}}}
	if res := w.remote.Post(t, srv.URL+"/inbox", federationtest.Activity{"id": w.noteID + "/activity", "type": "Create",
		"actor": w.remote.ID(), "to": note["to"], "cc": note["cc"], "object": note}); res.Status != 202 {
		t.Fatalf("Create: %d %s", res.Status, res.Body)
	}
	w.runJobs(t)
	st, err := s.StatusByURI(ctx, w.noteID)
	if err != nil {
		t.Fatal(err)
	}
	w.status = st.ID
	return w
}

func (w *likeWorld) runJobs(t *testing.T) {
	t.Helper()
	if _, err := w.srv.Jobs.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// received returns the activities of type typ the remote actor got.
func (w *likeWorld) received(t *testing.T, typ string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, d := range w.remote.Deliveries() {
		if d.Type != typ {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(d.Body, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// TestUndoLikeNamesTheLike: the Undo{Like} sent when a local account
// unfavourites a remote status embeds the Like with the id it was sent
// with, its actor and its object, so that receivers matching by id find
// it; favouriting again sends a Like with a new id, which its Undo names.
func TestUndoLikeNamesTheLike(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := newLikeWorld(t, s)
		actor := w.srv.URL + "/users/bob"
		for round := 0; round < 2; round++ {
			if _, err := w.posts.Favourite(ctx, w.local, w.status); err != nil {
				t.Fatal(err)
			}
			w.runJobs(t)
			likes := w.received(t, "Like")
			if len(likes) != round+1 {
				t.Fatalf("round %d: %d Likes received", round, len(likes))
			}
			like := likes[round]
			if like["actor"] != actor || like["object"] != w.noteID || like["id"] == "" {
				t.Fatalf("Like %v", like)
			}
			if past, err := s.ActivityByURI(ctx, like["id"].(string)); err != nil || past.Kind != storage.ActivityFavourite || past.StatusID != w.status {
				t.Errorf("the Like's id is not stored with the favourite: %+v, %v", past, err)
			}

			if _, err := w.posts.Unfavourite(ctx, w.local, w.status); err != nil {
				t.Fatal(err)
			}
			w.runJobs(t)
			undos := w.received(t, "Undo")
			if len(undos) != round+1 {
				t.Fatalf("round %d: %d Undos received", round, len(undos))
			}
			undo := undos[round]
			obj, _ := undo["object"].(map[string]any)
			if undo["actor"] != actor || obj["type"] != "Like" || obj["id"] != like["id"] || obj["actor"] != actor || obj["object"] != w.noteID {
				t.Errorf("Undo %v does not embed Like %v", undo, like)
			}
			if undo["id"] == like["id"] || undo["id"] == "" {
				t.Errorf("the Undo's own id %v", undo["id"])
			}
			if round == 1 && like["id"] == w.received(t, "Like")[0]["id"] {
				t.Error("a second Like reused the first one's id")
			}
		}
	})
}

// TestDomainBlockStopsQueuedDeliveries: deliveries already queued to a
// domain end without a request as soon as the domain is blocked through
// the Federator, even though the delivery queue had found the host
// healthy a moment before; unblocking lets new ones through at once.
func TestDomainBlockStopsQueuedDeliveries(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := newLikeWorld(t, s)
		if res := w.remote.Post(t, w.srv.URL+"/users/bob/inbox", federationtest.Activity{
			"id": w.remote.ID() + "#follow", "type": "Follow", "actor": w.remote.ID(), "object": w.srv.URL + "/users/bob"}); res.Status != 202 {
			t.Fatalf("Follow: %d %s", res.Status, res.Body)
		}
		w.runJobs(t) // the follow, and the Accept sent back: the host is now known healthy
		creates := func() int { return len(w.received(t, "Create")) }
		postOne := func(text string) {
			t.Helper()
			if _, err := w.posts.Create(ctx, w.local, post.Draft{Text: text, Visibility: "public"}); err != nil {
				t.Fatal(err)
			}
		}
		postOne("before the block")
		w.runJobs(t)
		if creates() != 1 {
			t.Fatalf("%d Creates before the block, want 1", creates())
		}

		postOne("queued, then blocked")
		postOne("queued too")
		if _, err := w.srv.Federation.Domains().Set(ctx, w.remote.Host(), storage.PolicyBlock, true); err != nil {
			t.Fatal(err)
		}
		w.runJobs(t)
		if creates() != 1 {
			t.Errorf("%d Creates after the block, want still 1", creates())
		}
		c, err := s.JobCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c[delivery.Kind][storage.JobDiscarded] != 2 || c[delivery.Kind][storage.JobAvailable] != 0 {
			t.Errorf("delivery jobs after the block: %v, want the 2 queued ones discarded", c[delivery.Kind])
		}

		if _, err := w.srv.Federation.Domains().Set(ctx, w.remote.Host(), storage.PolicyBlock, false); err != nil {
			t.Fatal(err)
		}
		postOne("after the unblock")
		w.runJobs(t)
		if creates() != 2 {
			t.Errorf("%d Creates after the unblock, want 2", creates())
		}
	})
}
