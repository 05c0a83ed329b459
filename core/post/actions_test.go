package post_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/follow"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// recorder is a Publisher that notes the events it hears, and fails
// (rolling the change back) while fail is set.
type recorder struct {
	events []string
	fail   bool
}

func (r *recorder) Publish(_ context.Context, _ *storage.Store, ev outbox.Event) error {
	if r.fail {
		return errors.New("delivery queue unavailable")
	}
	var name string
	switch e := ev.(type) {
	case outbox.Favourited:
		name = "favourited:" + e.Account.Username + ">" + e.Author.Username
	case outbox.Unfavourited:
		name = "unfavourited:" + e.Account.Username + ">" + e.Author.Username
	case outbox.Reblogged:
		name = fmt.Sprintf("reblogged:%s>%s:%s", e.Account.Username, e.Author.Username, e.Boost.Visibility)
	case outbox.Unreblogged:
		name = "unreblogged:" + e.Account.Username + ">" + e.Author.Username
	case outbox.StatusUpdated:
		name = fmt.Sprintf("updated:%s:%d", e.Author.Username, len(e.Mentions))
	default:
		return nil
	}
	r.events = append(r.events, name)
	return nil
}

func TestActionsPublishInTheirTransaction(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := newWorld(s)
		rec := &recorder{}
		w.posts.WithPublisher(rec)
		amy, ben := w.local(t, "amy"), w.local(t, "ben")
		st, err := w.posts.Create(ctx, amy, post.Draft{Text: "hello", Visibility: "public"})
		if err != nil {
			t.Fatal(err)
		}
		rec.events = nil
		steps := []func() error{
			func() error { _, err := w.posts.Favourite(ctx, ben, st.ID); return err },
			func() error { _, err := w.posts.Favourite(ctx, ben, st.ID); return err }, // no change, no event
			func() error { _, err := w.posts.Unfavourite(ctx, ben, st.ID); return err },
			func() error { _, err := w.posts.Unfavourite(ctx, ben, st.ID); return err },
			func() error { _, err := w.posts.Reblog(ctx, ben, st.ID, "unlisted"); return err },
			func() error { _, err := w.posts.Reblog(ctx, ben, st.ID, ""); return err },
			func() error { _, err := w.posts.Unreblog(ctx, ben, st.ID); return err },
			func() error { _, err := w.posts.Unreblog(ctx, ben, st.ID); return err },
			func() error {
				text := "hello @ben"
				_, err := w.posts.Edit(ctx, amy, st.ID, post.Edit{Text: &text})
				return err
			},
			func() error {
				text := "hello @ben"
				_, err := w.posts.Edit(ctx, amy, st.ID, post.Edit{Text: &text})
				return err
			},
		}
		for i, step := range steps {
			if err := step(); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
		}
		want := "favourited:ben>amy unfavourited:ben>amy reblogged:ben>amy:unlisted unreblogged:ben>amy updated:amy:1"
		if got := strings.Join(rec.events, " "); got != want {
			t.Errorf("events:\n got %s\nwant %s", got, want)
		}

		// A publisher failure rolls the action back.
		rec.fail = true
		if _, err := w.posts.Favourite(ctx, ben, st.ID); err == nil {
			t.Fatal("favourite succeeded without its delivery")
		}
		if _, err := w.posts.Reblog(ctx, ben, st.ID, "public"); err == nil {
			t.Fatal("boost succeeded without its delivery")
		}
		rec.fail = false
		got, err := w.timelines.Get(ctx, ben, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Mine.Favourited || got.Mine.Reblogged || got.FavouritesCount != 0 || got.ReblogsCount != 0 {
			t.Errorf("rolled-back actions left %+v %d %d", got.Mine, got.FavouritesCount, got.ReblogsCount)
		}
		if n, err := w.notes.UnreadCount(ctx, amy, storage.NotificationFilter{Types: []string{"favourite", "reblog"}}, 10); err != nil || n != 0 {
			t.Errorf("rolled-back actions left %d notifications (%v)", n, err)
		}
	})
}

func TestReblogRules(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := newWorld(s)
		amy, ben, cat := w.local(t, "amy"), w.local(t, "ben"), w.local(t, "cat")
		if _, err := w.follows.Follow(ctx, ben, amy.ID, follow.Options{}); err != nil {
			t.Fatal(err)
		}
		statuses := map[string]int64{}
		for _, vis := range []string{"public", "unlisted", "private", "direct"} {
			st, err := w.posts.Create(ctx, amy, post.Draft{Text: "@ben a " + vis + " post", Visibility: vis})
			if err != nil {
				t.Fatal(err)
			}
			statuses[vis] = st.ID
		}
		for _, tc := range []struct {
			who       *storage.Account
			status    string
			vis, want string // want: the boost's visibility, or the error kind
		}{
			{ben, "public", "", "public"},
			{ben, "unlisted", "private", "private"},
			{ben, "private", "", "invalid"},
			{ben, "direct", "", "invalid"},
			{amy, "private", "public", "private"}, // her own: stays private
			{amy, "direct", "", "invalid"},
			{cat, "private", "", "not found"}, // a stranger does not see it
			{cat, "direct", "", "not found"},
			{cat, "public", "direct", "invalid"},
			{cat, "public", "secret", "invalid"},
		} {
			name := fmt.Sprintf("%s boosts %s (%q)", tc.who.Username, tc.status, tc.vis)
			b, err := w.posts.Reblog(ctx, tc.who, statuses[tc.status], tc.vis)
			got := ""
			switch {
			case errors.Is(err, core.ErrInvalid):
				got = "invalid"
			case errors.Is(err, core.ErrNotFound):
				got = "not found"
			case err != nil:
				t.Fatalf("%s: %v", name, err)
			default:
				got = b.Visibility
				if b.Reblog == nil || b.Reblog.ID != statuses[tc.status] || !b.Reblog.Mine.Reblogged {
					t.Errorf("%s: boost %+v", name, b)
				}
			}
			if got != tc.want {
				t.Errorf("%s: %s, want %s", name, got, tc.want)
			}
		}
	})
}
