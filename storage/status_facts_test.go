package storage_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestStatusFactsOf: every fact of a page, for its viewer and for nobody,
// with IDs and conversations repeated in the request (a conversation
// holds several statuses of a page) and marks on a status outside the
// page that must not show.
func TestStatusFactsOf(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		acct := newLocals(t, ctx, s, "ana", "ben", "cy")
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		id := map[string]int64{}
		conv := int64(777)
		post := func(name, author string, n storage.NewStatus) {
			t.Helper()
			id[name] = postPublic(t, ctx, s, acct[author], name, n)
		}
		post("tagged", "ben", storage.NewStatus{MentionIDs: []int64{acct["cy"], acct["ana"]}, Tags: []string{"surgery", "cardiology"}})
		post("plain", "ben", storage.NewStatus{})
		post("threaded", "cy", storage.NewStatus{Status: &storage.Status{ConversationID: &conv}})
		post("threaded2", "ben", storage.NewStatus{Status: &storage.Status{ConversationID: &conv}})
		post("own", "ana", storage.NewStatus{})
		post("bookmarked", "ben", storage.NewStatus{})
		post("elsewhere", "ben", storage.NewStatus{})
		post("reply", "cy", storage.NewStatus{Status: &storage.Status{InReplyToID: ptr(id["plain"])}})
		post("boost", "ana", storage.NewStatus{Status: &storage.Status{ReblogOfID: ptr(id["tagged"])}})
		post("undone-boost", "ana", storage.NewStatus{Status: &storage.Status{ReblogOfID: ptr(id["plain"])}})
		must(s.DeleteStatus(ctx, id["undone-boost"]))
		post("cy-boost", "cy", storage.NewStatus{Status: &storage.Status{ReblogOfID: ptr(id["plain"])}})
		for _, m := range []struct {
			mark       storage.Mark
			who, which string
		}{
			{storage.Favourite, "ana", "tagged"}, {storage.Favourite, "cy", "tagged"}, {storage.Favourite, "cy", "plain"},
			{storage.Bookmark, "ana", "bookmarked"}, {storage.Bookmark, "cy", "plain"}, {storage.Pin, "ana", "own"},
			{storage.Favourite, "ana", "elsewhere"}, {storage.Bookmark, "ana", "elsewhere"},
		} {
			_, err := s.AddMark(ctx, m.mark, acct[m.who], id[m.which])
			must(err)
		}
		must(s.MuteConversation(ctx, acct["ana"], conv))
		must(s.MuteConversation(ctx, acct["cy"], id["plain"]))

		page := []int64{id["tagged"], id["plain"], id["threaded"], id["threaded2"], id["own"], id["bookmarked"], id["tagged"]}
		convs := []int64{id["tagged"], id["plain"], conv, conv, id["own"], id["bookmarked"], id["tagged"]}
		counts := storage.StatusFacts{
			StatusActivity: storage.StatusActivity{
				Favourites: map[int64]int{id["tagged"]: 2, id["plain"]: 1}, Reblogs: map[int64]int{id["tagged"]: 1, id["plain"]: 1},
				Favourited: map[int64]bool{}, Reblogged: map[int64]bool{}, Bookmarked: map[int64]bool{}, Pinned: map[int64]bool{},
				MutedConversations: map[int64]bool{},
			},
			Mentions: map[int64][]int64{id["tagged"]: sorted(acct["ana"], acct["cy"])},
			Tags:     map[int64][]string{id["tagged"]: {"cardiology", "surgery"}},
			Replies:  map[int64]int{id["plain"]: 1},
			HasMedia: map[int64]bool{}, HasPoll: map[int64]bool{},
		}
		got, err := s.StatusFactsOf(ctx, 0, page, convs)
		must(err)
		if !reflect.DeepEqual(got, counts) {
			t.Errorf("for nobody:\n got %+v\nwant %+v", got, counts)
		}

		want := counts
		want.Favourited = map[int64]bool{id["tagged"]: true}
		want.Reblogged = map[int64]bool{id["tagged"]: true}
		want.Bookmarked = map[int64]bool{id["bookmarked"]: true}
		want.Pinned = map[int64]bool{id["own"]: true}
		want.MutedConversations = map[int64]bool{conv: true}
		got, err = s.StatusFactsOf(ctx, acct["ana"], page, convs)
		must(err)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("for ana:\n got %+v\nwant %+v", got, want)
		}
	})
}

func ptr(id int64) *int64 { return &id }

// postPublic stores n as a local public status of author with text, its
// followers' feeds written (so that no background flush runs later), and
// returns its ID.
func postPublic(t *testing.T, ctx context.Context, s *storage.Store, author int64, text string, n storage.NewStatus) int64 {
	t.Helper()
	if n.Status == nil {
		n.Status = &storage.Status{}
	}
	n.Status.AccountID, n.Status.Local, n.Status.Visibility, n.Status.Text = author, true, "public", text
	if err := s.InsertStatus(ctx, n); err != nil {
		t.Fatal(err)
	}
	if err := s.FlushHomeFeeds(ctx); err != nil {
		t.Fatal(err)
	}
	return n.Status.ID
}

// sorted returns ids in ascending order.
func sorted(a, b int64) []int64 {
	if a > b {
		a, b = b, a
	}
	return []int64{a, b}
}

// newLocals creates a local account for each name (its e-mail at
// example.org) and returns their IDs by name.
func newLocals(t *testing.T, ctx context.Context, s *storage.Store, names ...string) map[string]int64 {
	t.Helper()
	ids := make(map[string]int64, len(names))
	for _, n := range names {
		_, a, err := newLocal(ctx, s, n, n+"@example.org")
		if err != nil {
			t.Fatal(err)
		}
		ids[n] = a.ID
	}
	return ids
}
