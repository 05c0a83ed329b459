package post_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/core/follow"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/notify"
	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

type world struct {
	store     *storage.Store
	accounts  *account.Service
	posts     *post.Service
	follows   *follow.Service
	timelines *timeline.Service
	notes     *notify.Service
}

func newWorld(s *storage.Store) *world {
	inst := instance.Config{Domain: "rounds.example", Protocol: "https"}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	profiles := profile.New(s, inst)
	tl := timeline.New(s, profiles)
	return &world{
		store: s, accounts: account.New(s, inst, log), posts: post.New(s, inst, profiles, tl, log),
		follows: follow.New(s, profiles, log), timelines: tl, notes: notify.New(s, profiles, tl),
	}
}

func (w *world) local(t *testing.T, name string) *storage.Account {
	t.Helper()
	a, err := w.accounts.Create(context.Background(), account.NewAccount{Username: name, Email: name + "@example.org", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (w *world) remote(t *testing.T, name string) *storage.Account {
	t.Helper()
	uri := "https://other.example/users/" + name
	a := &storage.Account{Username: name, Domain: "other.example", ActorType: storage.ActorPerson, URI: &uri, Discoverable: true}
	if err := w.store.CreateAccount(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a
}

func (w *world) homeIDs(t *testing.T, a *storage.Account) []int64 {
	t.Helper()
	res, err := w.timelines.Home(context.Background(), a, storage.Page{Limit: 40})
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, st := range res.Statuses {
		out = append(out, st.ID)
	}
	return out
}

// The inbox's path: a remote author's status goes through post.Insert, the
// same storage, fan-out and notifications as a local one; remote
// followers are viewers like local ones.
func TestRemoteAuthorsAndFollowers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := newWorld(s)
		bob, carol, dave := w.local(t, "bob"), w.local(t, "carol"), w.local(t, "dave")
		rita := w.remote(t, "rita")

		// A local account following a remote one waits for its server.
		r, err := w.follows.Follow(ctx, bob, rita.ID, follow.Options{})
		if err != nil || r.Following || !r.Requested {
			t.Fatalf("follow remote = %+v, %v", r, err)
		}
		// Her server accepts (the inbox calls Authorize as her).
		if r, err = w.follows.Authorize(ctx, rita, bob.ID); err != nil || !r.FollowedBy {
			t.Fatalf("accept = %+v, %v", r, err)
		}
		uri := "https://other.example/users/rita/statuses/1"
		st := &storage.Status{ID: s.NewID(), AccountID: rita.ID, URI: &uri, Content: "<p>remote</p>", Visibility: "private"}
		if err := w.posts.Receive(ctx, rita, post.Received{Status: st, Mentions: []*storage.Account{carol}, Tags: []string{"cardio"}}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			who  *storage.Account
			home int
		}{{bob, 1}, {carol, 1}, {dave, 0}} {
			if got := len(w.homeIDs(t, tc.who)); got != tc.home {
				t.Errorf("%s home has %d, want %d", tc.who.Username, got, tc.home)
			}
		}
		if _, err := w.timelines.Get(ctx, dave, st.ID); err == nil {
			t.Error("a stranger reads a remote private status")
		}
		res, err := w.notes.List(ctx, carol, storage.NotificationFilter{}, storage.Page{Limit: 10})
		if err != nil || len(res.Items) != 1 || res.Items[0].Type != "mention" || res.Items[0].Status.ID != st.ID {
			t.Errorf("carol's notifications = %+v, %v", res.Items, err)
		}

		// A remote follower of a local account is accepted at once,
		// notifies, and then sees followers-only posts.
		if r, err = w.follows.Follow(ctx, rita, dave.ID, follow.Options{}); err != nil || !r.Following {
			t.Fatalf("remote follows local = %+v, %v", r, err)
		}
		priv, err := w.posts.Create(ctx, dave, post.Draft{Text: "for followers", Visibility: "private"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.timelines.Get(ctx, rita, priv.ID); err != nil {
			t.Errorf("remote follower cannot see a private post: %v", err)
		}
		if _, err := w.timelines.Get(ctx, bob, priv.ID); err == nil {
			t.Error("non-follower sees a private post")
		}
		res, err = w.notes.List(ctx, dave, storage.NotificationFilter{}, storage.Page{Limit: 10})
		if err != nil || len(res.Items) != 1 || res.Items[0].Type != "follow" || res.Items[0].Account.ID != rita.ID {
			t.Errorf("dave's notifications = %+v, %v", res.Items, err)
		}
		// Remote accounts get no local notifications.
		if _, err := w.posts.Create(ctx, dave, post.Draft{Text: "hi @rita@other.example"}); err != nil {
			t.Fatal(err)
		}
		res, err = w.notes.List(ctx, rita, storage.NotificationFilter{}, storage.Page{Limit: 10})
		if err != nil || len(res.Items) != 0 {
			t.Errorf("remote account notified: %+v, %v", res.Items, err)
		}
	})
}

// Counters follow posts and deletions; direct messages do not count.
func TestStatusCounters(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := newWorld(s)
		amy := w.local(t, "amy")
		var last *timeline.Status
		for _, v := range []string{"public", "private", "direct", "unlisted"} {
			st, err := w.posts.Create(ctx, amy, post.Draft{Text: "x @amy", Visibility: v})
			if err != nil {
				t.Fatal(err)
			}
			last = st
		}
		stats, err := s.AccountStatsOf(ctx, []int64{amy.ID})
		if err != nil || stats[amy.ID].Statuses != 3 || stats[amy.ID].LastStatusAt == nil {
			t.Fatalf("stats = %+v, %v", stats[amy.ID], err)
		}
		if _, err := w.posts.Delete(ctx, amy, last.ID, true); err != nil {
			t.Fatal(err)
		}
		stats, _ = s.AccountStatsOf(ctx, []int64{amy.ID})
		if stats[amy.ID].Statuses != 2 {
			t.Errorf("after delete: %d", stats[amy.ID].Statuses)
		}
		// Self-mentions notify nobody.
		res, err := w.notes.List(ctx, amy, storage.NotificationFilter{}, storage.Page{Limit: 10})
		if err != nil || len(res.Items) != 0 {
			t.Errorf("self-notified: %+v %v", res.Items, err)
		}
	})
}
