package storage_test

import (
	"context"
	"errors"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/uptrace/bun"
)

// TestStatusFactsCache checks the kept facts of statuses on both
// databases: a page read again sends no statement; after every kind of
// write that changes a fact (a favourite, a bookmark, a pin, a boost, a
// reply, an edit's mentions and hashtags, an attachment, a poll, a
// deletion, a conversation's mute, each undone too), the next read gives
// exactly what the statement reads; a transaction's reads and a rolled
// back write are never kept; a caller changing what it got does not
// change what is kept.
func TestStatusFactsCache(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		// The cache's clock stands still: no TTL window ends between two
		// reads, so what is seen comes from the writes alone.
		now := time.Now()
		s.SetCacheClock(func() time.Time { return now })
		var statements atomic.Int64
		s.OnStatement(func(string) { statements.Add(1) })
		acct := newLocals(t, ctx, s, "ana", "ben", "cy")
		ana, ben, cy := acct["ana"], acct["ben"], acct["cy"]
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		post := func(author int64, n storage.NewStatus) int64 {
			t.Helper()
			return postPublic(t, ctx, s, author, "x", n)
		}
		conv := int64(4242)
		first := post(ben, storage.NewStatus{Status: &storage.Status{ConversationID: &conv}})
		second := post(ben, storage.NewStatus{MentionIDs: []int64{cy}, Tags: []string{"radiology"}})
		own := post(ana, storage.NewStatus{})
		page, convs := []int64{first, second, own}, []int64{conv, second, own}

		// check reads the page for each viewer through the cache, twice,
		// and compares it with the statement's answer.
		check := func(what string) {
			t.Helper()
			for _, viewer := range []int64{0, ana, cy} {
				got, err := s.StatusFactsOf(ctx, viewer, page, convs)
				must(err)
				want, err := s.StatusFactsOfStatement(ctx, viewer, page)
				must(err)
				want.MutedConversations = mutedIn(t, s, viewer, convs)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("after %s, for viewer %d:\n got %+v\nwant %+v", what, viewer, got, want)
				}
				before := statements.Load()
				again, err := s.StatusFactsOf(ctx, viewer, page, convs)
				must(err)
				if n := statements.Load() - before; n != 0 {
					t.Errorf("after %s, for viewer %d: a page read again sent %d statements", what, viewer, n)
				}
				if !reflect.DeepEqual(again, want) {
					t.Errorf("after %s, for viewer %d, read again:\n got %+v\nwant %+v", what, viewer, again, want)
				}
			}
		}
		check("posting")

		for _, step := range []struct {
			what string
			do   func() error
		}{
			{"a favourite", func() error { _, err := s.AddMark(ctx, storage.Favourite, ana, first); return err }},
			{"another's favourite", func() error { _, err := s.AddMark(ctx, storage.Favourite, cy, first); return err }},
			{"a bookmark", func() error { _, err := s.AddMark(ctx, storage.Bookmark, ana, second); return err }},
			{"a pin", func() error { _, err := s.AddMark(ctx, storage.Pin, ana, own); return err }},
			{"an unfavourite", func() error { _, err := s.RemoveMark(ctx, storage.Favourite, ana, first); return err }},
			{"a removed bookmark", func() error { _, err := s.RemoveMark(ctx, storage.Bookmark, ana, second); return err }},
			{"a boost", func() error { post(ana, storage.NewStatus{Status: &storage.Status{ReblogOfID: &second}}); return nil }},
			{"a reply", func() error { post(cy, storage.NewStatus{Status: &storage.Status{InReplyToID: &first}}); return nil }},
			{"a conversation's mute", func() error { return s.MuteConversation(ctx, ana, conv) }},
			{"its unmute", func() error { return s.UnmuteConversation(ctx, ana, conv) }},
			{"an edit's mentions and hashtags", func() error {
				st, err := s.StatusByID(ctx, second)
				if err != nil {
					return err
				}
				return s.UpdateStatusText(ctx, st, []int64{ana}, []string{"cardiology", "surgery"})
			}},
			{"an attachment", func() error {
				m := &storage.MediaAttachment{AccountID: ben, Type: "image", State: storage.MediaReady, FileKey: "k"}
				if err := s.CreateMedia(ctx, m); err != nil {
					return err
				}
				return s.AttachMedia(ctx, ben, first, []int64{m.ID})
			}},
			{"a poll", func() error {
				return s.InsertPoll(ctx, &storage.Poll{StatusID: own, AccountID: ana, Options: []storage.PollOption{{Title: "a"}, {Title: "b"}}})
			}},
			{"a deletion", func() error { return s.DeleteStatus(ctx, first) }},
		} {
			must(step.do())
			check(step.what)
		}

		// A caller changing what it got does not change what is kept.
		got, err := s.StatusFactsOf(ctx, ana, page, convs)
		must(err)
		if len(got.Mentions[second]) == 0 || len(got.Tags[second]) == 0 {
			t.Fatalf("no mentions or hashtags to change: %+v", got)
		}
		got.Mentions[second][0], got.Tags[second][0] = -1, "changed by a caller"
		check("a caller's change")

		// A transaction's reads are not kept, and a rolled-back write
		// leaves the kept facts as they were.
		rollback := errors.New("rollback")
		err = s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			if _, err := tx.AddMark(ctx, storage.Favourite, ana, second); err != nil {
				return err
			}
			in, err := tx.StatusFactsOf(ctx, ana, page, convs)
			if err != nil {
				return err
			}
			if !in.Favourited[second] {
				t.Error("the transaction does not see its own favourite")
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatal(err)
		}
		check("a rolled-back favourite")
	}, func(c *storage.Config) { c.ReadCacheTTL = time.Hour }) // no window ends between two reads
}

// mutedIn reads straight from the database which of convs the viewer
// muted, as StatusFactsOf reports them.
func mutedIn(t *testing.T, s *storage.Store, viewer int64, convs []int64) map[int64]bool {
	t.Helper()
	var ids []int64
	if err := rawDB(s).NewRaw(`SELECT conversation_id FROM conversation_mutes WHERE account_id = ? AND conversation_id IN (?)`,
		viewer, bun.In(convs)).Scan(context.Background(), &ids); err != nil {
		t.Fatal(err)
	}
	out := map[int64]bool{}
	for _, id := range ids {
		out[id] = true
	}
	return out
}

// TestStatusFactsCacheOtherProcess checks the stated bound for another
// process's writes (here a favourite inserted behind the Store's back):
// the kept facts until the TTL window ends, then the new ones.
func TestStatusFactsCacheOtherProcess(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := time.Now()
		s.SetCacheClock(func() time.Time { return now })
		acct := newLocals(t, ctx, s, "ana", "ben")
		n := storage.NewStatus{Status: &storage.Status{AccountID: acct["ben"], Local: true, Visibility: "public", Text: "x"}}
		if err := s.InsertStatus(ctx, n); err != nil {
			t.Fatal(err)
		}
		id := n.Status.ID
		read := func() storage.StatusFacts {
			t.Helper()
			f, err := s.StatusFactsOf(ctx, acct["ana"], []int64{id}, nil)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		read()
		if _, err := rawDB(s).NewRaw(`INSERT INTO favourites (id, account_id, status_id, created_at) VALUES (?, ?, ?, ?)`,
			id+1, acct["ana"], id, time.Now().UTC()).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if f := read(); f.Favourited[id] {
			t.Fatal("the facts were not kept; the test shows nothing")
		}
		now = now.Add(storage.DefaultReadCacheTTL)
		if f := read(); !f.Favourited[id] || f.Favourites[id] != 1 {
			t.Errorf("another process's favourite is not seen after the TTL: %+v", f)
		}
	})
}
