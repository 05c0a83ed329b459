package storage_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// homeFixture is a reader following an author whose statuses are in the
// reader's home feed, with the statements the Store sends recorded.
type homeFixture struct {
	s            *storage.Store
	reader, auth *storage.Account
	ids          []int64 // oldest first
	mu           sync.Mutex
	sent         []string
}

func newHomeFixture(t *testing.T, s *storage.Store, n int) *homeFixture {
	t.Helper()
	ctx := context.Background()
	f := &homeFixture{s: s}
	var err error
	if _, f.reader, err = newLocal(ctx, s, "ana", "ana@example.org"); err != nil {
		t.Fatal(err)
	}
	if _, f.auth, err = newLocal(ctx, s, "ben", "ben@example.org"); err != nil {
		t.Fatal(err)
	}
	if err := s.UpsertFollow(ctx, &storage.Follow{AccountID: f.reader.ID, TargetAccountID: f.auth.ID}); err != nil {
		t.Fatal(err)
	}
	// Registered before the posts: after them, the deferred fan-out's
	// flusher (SQLite) may be using the Store.
	s.OnStatement(func(q string) {
		f.mu.Lock()
		f.sent = append(f.sent, q)
		f.mu.Unlock()
	})
	for range n {
		f.post(t, strings.Repeat("x", 100))
	}
	return f
}

// post writes a public status of the author into the feeds.
func (f *homeFixture) post(t *testing.T, content string) int64 {
	t.Helper()
	lang := "en"
	st := &storage.Status{Local: true, AccountID: f.auth.ID, Text: "x", Content: content, Visibility: "public", Language: &lang}
	err := f.s.InTx(context.Background(), func(ctx context.Context, tx *storage.Store) error {
		if err := tx.InsertStatus(ctx, storage.NewStatus{Status: st}); err != nil {
			return err
		}
		return tx.FanOut(ctx, st, true, false, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	f.ids = append(f.ids, st.ID)
	return st.ID
}

// page reads the reader's home page (at most 40, below maxID when set)
// and returns it with the statements it sent.
func (f *homeFixture) page(t *testing.T, maxID int64) ([]storage.Status, []string) {
	t.Helper()
	// Posts' deferred fan-out (SQLite) is flushed first, so that only
	// the page's own statements are counted.
	if err := f.s.FlushHomeFeeds(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The head of the feed is kept too (TestHomeHeadCache); a write to
	// home_feed drops it, so that the page's rows are what is tested.
	if err := f.s.Exec(context.Background(), `DELETE FROM home_feed WHERE account_id = 0`); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.sent = nil
	f.mu.Unlock()
	got, err := f.s.HomeStatuses(context.Background(), f.reader.ID, storage.Page{Limit: 40, MaxID: maxID})
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return got, f.sent
}

// find returns the status with id in page, nil when absent.
func find(page []storage.Status, id int64) *storage.Status {
	for i := range page {
		if page[i].ID == id {
			return &page[i]
		}
	}
	return nil
}

// TestStatusCache checks the status cache's promises on both databases:
// a page whose rows are cached sends only the ID statement; a new post
// leaves the cached rows; an edit, a change of visibility, a soft and a
// hard delete and an upsert made through the Store are seen by the next
// page; callers' changes do not reach the cache.
func TestStatusCache(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newHomeFixture(t, s, 6)
		first, sent := f.page(t, 0)
		if len(first) != 6 || len(sent) != 2 {
			t.Fatalf("first page: %d rows, statements %q", len(first), sent)
		}
		again, sent := f.page(t, 0)
		if len(sent) != 1 || !strings.HasPrefix(sent[0], "SELECT h.status_id ") {
			t.Errorf("a cached page sent %q, want the ID statement only", sent)
		}
		if !reflect.DeepEqual(again, first) {
			t.Errorf("cached page differs:\n%+v\n%+v", again, first)
		}

		// Changing what was returned, through pointers too, changes
		// nothing cached.
		again[0].Content, *again[0].Language, *again[0].ConversationID = "changed", "xx", -1
		if got, _ := f.page(t, 0); !reflect.DeepEqual(got, first) {
			t.Error("a caller's change reached the cache")
		}
		// Nor another row of the same page (whose pointed-to values
		// share one allocation).
		if !reflect.DeepEqual(again[1:], first[1:]) {
			t.Error("a caller's change to one row reached another row of the page")
		}

		// A new post reads its own row and leaves the others cached.
		newest := f.post(t, "new")
		if _, sent := f.page(t, newest); len(sent) != 1 {
			t.Errorf("a post emptied the cache: the page below it sent %q", sent)
		}
		if got, sent := f.page(t, 0); len(sent) != 2 || got[0].ID != newest {
			t.Errorf("the page after a post sent %q", sent)
		}

		for _, c := range []struct {
			name  string
			write func() error
			check func(page []storage.Status) bool
		}{
			{"remote edit", func() error {
				return s.EditStatus(ctx, f.ids[1], storage.StatusEdit{Content: "<p>edited</p>", EditedAt: time.Now()})
			}, func(p []storage.Status) bool {
				st := find(p, f.ids[1])
				return st.Content == "<p>edited</p>" && st.EditedAt != nil
			}},
			{"local edit", func() error {
				st := first[len(first)-1-2] // f.ids[2]
				st.Text, st.Content = "y", "<p>y</p>"
				return s.UpdateStatusText(ctx, &st, nil, nil)
			}, func(p []storage.Status) bool { return find(p, f.ids[2]).Content == "<p>y</p>" }},
			{"visibility", func() error {
				return s.Exec(ctx, `UPDATE statuses SET visibility = 'direct' WHERE id = ?`, f.ids[3])
			}, func(p []storage.Status) bool { return find(p, f.ids[3]).Visibility == "direct" }},
			{"upsert", func() error {
				now := time.Now().UTC()
				return s.Exec(ctx, `INSERT INTO statuses (id, account_id, local, visibility, created_at, updated_at)
					VALUES (?, ?, TRUE, 'public', ?, ?) ON CONFLICT (id) DO UPDATE SET content = 'upserted'`, f.ids[4], f.auth.ID, now, now)
			}, func(p []storage.Status) bool { return find(p, f.ids[4]).Content == "upserted" }},
			{"soft delete", func() error { return s.DeleteStatus(ctx, f.ids[5]) },
				func(p []storage.Status) bool { return find(p, f.ids[5]) == nil }},
			{"hard delete", func() error { return s.Exec(ctx, `DELETE FROM statuses WHERE id = ?`, f.ids[0]) },
				func(p []storage.Status) bool { return find(p, f.ids[0]) == nil }},
		} {
			f.page(t, 0) // cache every row
			if err := c.write(); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			got, sent := f.page(t, 0)
			if !c.check(got) {
				t.Errorf("%s: not seen by the next page", c.name)
			}
			if len(sent) != 2 {
				t.Errorf("%s: the next page sent %q, want the rows read again", c.name, sent)
			}
		}
	})
}

// TestStatusCacheTransactions: a write inside a transaction is seen by
// the next page once committed, a rolled-back one never, and rows read
// inside a transaction are not kept.
func TestStatusCacheTransactions(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newHomeFixture(t, s, 2)
		content := func() string {
			t.Helper()
			got, _ := f.page(t, 0)
			return find(got, f.ids[0]).Content
		}
		old := content()
		edit := func(ctx context.Context, tx *storage.Store, to string) error {
			return tx.EditStatus(ctx, f.ids[0], storage.StatusEdit{Content: to, EditedAt: time.Now()})
		}
		err := s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			if err := edit(ctx, tx, "committed"); err != nil {
				return err
			}
			in, err := tx.HomeStatuses(ctx, f.reader.ID, storage.Page{Limit: 40})
			if err != nil {
				return err
			}
			if find(in, f.ids[0]).Content != "committed" {
				t.Error("the transaction does not see its own write")
			}
			if s.Dialect() == storage.Postgres && content() != old { // SQLite's writer would block the read
				t.Error("an uncommitted write was seen outside its transaction")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := content(); got != "committed" {
			t.Errorf("after the commit the page shows %q", got)
		}
		rollback := errors.New("rollback")
		err = s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			if err := edit(ctx, tx, "rolled back"); err != nil {
				return err
			}
			if _, err := tx.HomeStatuses(ctx, f.reader.ID, storage.Page{Limit: 40}); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatal(err)
		}
		if got := content(); got != "committed" {
			t.Errorf("after a rollback the page shows %q", got)
		}
	})
}

// TestStatusCacheOtherProcess checks the stated bound for another
// process's writes (here made behind the Store's back): the cached row
// until the TTL window ends, then the new one.
func TestStatusCacheOtherProcess(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		now := time.Now()
		s.SetCacheClock(func() time.Time { return now })
		f := newHomeFixture(t, s, 1)
		f.page(t, 0)
		if _, err := rawDB(s).NewRaw(`UPDATE statuses SET content = 'elsewhere' WHERE id = ?`, f.ids[0]).Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.page(t, 0); got[0].Content == "elsewhere" {
			t.Fatal("the row was not cached; the test shows nothing")
		}
		now = now.Add(storage.DefaultReadCacheTTL)
		if got, _ := f.page(t, 0); got[0].Content != "elsewhere" {
			t.Error("another process's write is not seen after the TTL")
		}
	})
}

// TestStatusCacheBound: the cache keeps within its size bound, dropping
// rows, and pages stay whole and in order.
func TestStatusCacheBound(t *testing.T) {
	const limit = 8 << 10
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newHomeFixture(t, s, 30) // about 550 bytes each: 30 do not fit
		for range 3 {
			got, _ := f.page(t, 0)
			if len(got) != 30 {
				t.Fatalf("page of %d", len(got))
			}
			for i := range got {
				if got[i].ID != f.ids[len(f.ids)-1-i] {
					t.Fatalf("row %d is %d", i, got[i].ID)
				}
			}
			rows, size := s.CachedStatuses()
			if size > limit || rows == 0 || rows >= 30 {
				t.Errorf("cache holds %d rows, %d bytes; bound %d", rows, size, limit)
			}
		}
	}, func(c *storage.Config) { c.StatusCacheBytes = limit })
}

// TestStatusCacheTimelines: the public, account and list timelines read
// their rows as the home feed does: a repeated page sends only its ID
// statement (no column but the ID), and an edit is seen by the next page of each.
func TestStatusCacheTimelines(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newHomeFixture(t, s, 3)
		l := &storage.List{AccountID: f.reader.ID, Title: "colleagues", RepliesPolicy: "list"}
		if err := s.InsertList(ctx, l); err != nil {
			t.Fatal(err)
		}
		if err := s.AddListMembers(ctx, l.ID, []storage.ListMember{{AccountID: f.auth.ID}}); err != nil {
			t.Fatal(err)
		}
		all := []string{"public", "unlisted", "private", "direct"}
		for _, tl := range []struct {
			name string
			read func() ([]storage.Status, error)
		}{
			{"public", func() ([]storage.Status, error) {
				return s.PublicStatuses(ctx, storage.PublicFilter{}, storage.Page{Limit: 40})
			}},
			{"account", func() ([]storage.Status, error) {
				return s.AccountStatuses(ctx, f.auth.ID, storage.AccountStatusFilter{Visibilities: all}, storage.Page{Limit: 40})
			}},
			{"list", func() ([]storage.Status, error) {
				return s.ListStatuses(ctx, l, all, storage.Page{Limit: 40})
			}},
		} {
			read := func() ([]storage.Status, []string) {
				t.Helper()
				// The posts' deferred fan-out (SQLite) is flushed first,
				// so that the background flush's statements are not
				// counted as the page's.
				if err := f.s.FlushHomeFeeds(ctx); err != nil {
					t.Fatal(err)
				}
				f.mu.Lock()
				f.sent = nil
				f.mu.Unlock()
				got, err := tl.read()
				if err != nil {
					t.Fatalf("%s: %v", tl.name, err)
				}
				f.mu.Lock()
				defer f.mu.Unlock()
				return got, f.sent
			}
			read()
			got, sent := read()
			if len(got) != 3 || got[0].ID != f.ids[2] || got[2].ID != f.ids[0] || len(sent) != 1 || strings.Contains(sent[0], "content") {
				t.Errorf("%s: cached page %d rows, sent %q", tl.name, len(got), sent)
			}
			content := "<p>edited for " + tl.name + "</p>"
			if err := s.EditStatus(ctx, f.ids[1], storage.StatusEdit{Content: content, EditedAt: time.Now()}); err != nil {
				t.Fatal(err)
			}
			if got, _ := read(); find(got, f.ids[1]).Content != content {
				t.Errorf("%s: the edit is not seen by the next page", tl.name)
			}
		}
	})
}

// TestHomeRefillsPastDeleted: a deleted status whose feed row is still
// there (a deletion racing the read; DeleteStatus removes the rows) is
// left out of the home page, and the page is filled from below it, so
// that a short page still means the end of the feed and paging on from
// the last status skips nothing.
func TestHomeRefillsPastDeleted(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newHomeFixture(t, s, 45)
		f.page(t, 0) // cache the newest rows, so the deletions must reach the cache
		deleted := map[int64]bool{}
		for _, i := range []int{44, 30, 10, 9} {
			id := f.ids[i]
			deleted[id] = true
			if err := s.Exec(ctx, `UPDATE statuses SET deleted_at = ? WHERE id = ?`, time.Now().UTC(), id); err != nil {
				t.Fatal(err)
			}
		}
		var want []int64
		for i := len(f.ids) - 1; i >= 0; i-- {
			if !deleted[f.ids[i]] {
				want = append(want, f.ids[i])
			}
		}
		var got []int64
		page, _ := f.page(t, 0)
		for _, st := range page {
			got = append(got, st.ID)
		}
		if len(page) != 40 {
			t.Fatalf("first page: %d statuses, want 40", len(page))
		}
		rest, err := s.HomeStatuses(ctx, f.reader.ID, storage.Page{Limit: 40, MaxID: got[len(got)-1]})
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range rest {
			got = append(got, st.ID)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("pages read %v\nwant %v", got, want)
		}
		// Oldest first (min_id) refills upwards the same way.
		asc, err := s.HomeStatuses(ctx, f.reader.ID, storage.Page{Limit: 38, MinID: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(asc) != 38 || asc[0].ID != want[len(want)-38] || asc[37].ID != want[len(want)-1] {
			t.Errorf("min_id page: %d statuses from %d to %d, want 38 from %d to %d",
				len(asc), asc[0].ID, asc[len(asc)-1].ID, want[len(want)-38], want[len(want)-1])
		}
	})
}

// TestHomeHeadCache: the newest page of a home feed, read again, sends no
// statement; a post fanned out into it, a deletion and another limit are
// seen by the next read; another reader's feed is its own. The cache's
// clock stands still, so that what is seen comes from the writes
// themselves and no TTL window ends between two reads.
func TestHomeHeadCache(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := time.Now()
		s.SetCacheClock(func() time.Time { return now })
		f := newHomeFixture(t, s, 3)
		read := func(limit int) ([]int64, []string) {
			t.Helper()
			f.mu.Lock()
			f.sent = nil
			f.mu.Unlock()
			page, err := s.HomeStatuses(ctx, f.reader.ID, storage.Page{Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, st := range page {
				ids = append(ids, st.ID)
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			return ids, f.sent
		}
		newest := func(n int) []int64 {
			var ids []int64
			for i := len(f.ids) - 1; i >= 0 && len(ids) < n; i-- {
				ids = append(ids, f.ids[i])
			}
			return ids
		}
		read(40)
		if got, sent := read(40); !reflect.DeepEqual(got, newest(40)) || len(sent) != 0 {
			t.Errorf("read again: %v, sent %q; want %v and no statement", got, sent, newest(40))
		}
		if got, _ := read(2); !reflect.DeepEqual(got, newest(2)) {
			t.Errorf("limit 2: %v, want %v", got, newest(2))
		}
		f.post(t, "new") // fanned out at once (PostgreSQL) or deferred (SQLite): seen by the next read either way
		if got, _ := read(40); !reflect.DeepEqual(got, newest(40)) {
			t.Errorf("after a post: %v, want %v", got, newest(40))
		}
		if err := s.DeleteStatus(ctx, f.ids[len(f.ids)-1]); err != nil {
			t.Fatal(err)
		}
		f.ids = f.ids[:len(f.ids)-1]
		if got, _ := read(40); !reflect.DeepEqual(got, newest(40)) {
			t.Errorf("after a deletion: %v, want %v", got, newest(40))
		}
		_, cy, err := newLocal(ctx, s, "cy", "cy@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if other, err := s.HomeStatuses(ctx, cy.ID, storage.Page{Limit: 40}); err != nil || len(other) != 0 {
			t.Errorf("an account that follows no one reads %d statuses (%v)", len(other), err)
		}
	})
}
