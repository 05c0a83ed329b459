package storage_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/migrations"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/uptrace/bun/migrate"
)

// neverFlush keeps the background flusher waiting for the whole test, so
// that a post's followers' rows stay pending (SQLite) until something
// reads the feeds or flushes.
func neverFlush(c *storage.Config) { c.HomeFlushDelay = time.Hour }

// pendingFixture is four local accounts: ben posts, ana, cy and dee
// follow him.
func pendingFixture(t *testing.T, ctx context.Context, s *storage.Store) (ana, ben, cy, dee *storage.Account) {
	t.Helper()
	var accts []*storage.Account
	for _, name := range []string{"ana", "ben", "cy", "dee"} {
		_, a, err := newLocal(ctx, s, name, name+"@example.org")
		if err != nil {
			t.Fatal(err)
		}
		accts = append(accts, a)
	}
	ana, ben, cy, dee = accts[0], accts[1], accts[2], accts[3]
	for _, f := range []*storage.Account{ana, cy, dee} {
		if err := s.UpsertFollow(ctx, &storage.Follow{AccountID: f.ID, TargetAccountID: ben.ID}); err != nil {
			t.Fatal(err)
		}
	}
	return ana, ben, cy, dee
}

// postAs stores a status of author's and fans it out as core/post does.
func postAs(t *testing.T, ctx context.Context, s *storage.Store, author *storage.Account, visibility string, mentions ...int64) *storage.Status {
	t.Helper()
	st := &storage.Status{Local: true, AccountID: author.ID, Text: "x", Content: "<p>x</p>", Visibility: visibility}
	err := s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		if err := tx.InsertStatus(ctx, storage.NewStatus{Status: st, MentionIDs: mentions}); err != nil {
			return err
		}
		return tx.FanOut(ctx, st, visibility != "direct", true, mentions)
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// feedRows reads accountID's home_feed rows behind the Store's back,
// without flushing.
func feedRows(t *testing.T, ctx context.Context, s *storage.Store, accountID int64) []int64 {
	t.Helper()
	var ids []int64
	if err := rawDB(s).NewRaw(`SELECT status_id FROM home_feed WHERE account_id = ? ORDER BY status_id`, accountID).Scan(ctx, &ids); err != nil {
		t.Fatal(err)
	}
	return ids
}

// pendingRows counts home_feed_pending's rows.
func pendingRows(t *testing.T, ctx context.Context, s *storage.Store) int {
	t.Helper()
	var n int
	if err := rawDB(s).NewRaw(`SELECT count(*) FROM home_feed_pending`).Scan(ctx, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// homeIDs reads accountID's home page through the Store.
func homeIDs(t *testing.T, ctx context.Context, s *storage.Store, accountID int64) []int64 {
	t.Helper()
	sts, err := s.HomeStatuses(ctx, accountID, storage.Page{Limit: 40})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(sts))
	for i, st := range sts {
		ids[i] = st.ID
	}
	slices.Sort(ids)
	return ids
}

// TestHomeReadsSeeEveryPost: a follower reading its home feed right after
// a post returned sees it, with many authors posting and many followers
// reading at once (run with -race), though on SQLite the followers' rows
// are written by a flush: the reads see them pending.
func TestHomeReadsSeeEveryPost(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		const authors, perAuthor = 8, 6
		var accts []*storage.Account
		for i := range 2 * authors {
			_, a, err := newLocal(ctx, s, fmt.Sprintf("u%d", i), fmt.Sprintf("u%d@example.org", i))
			if err != nil {
				t.Fatal(err)
			}
			accts = append(accts, a)
		}
		// Author i is followed by reader i (accts[authors+i]) and by the
		// next author.
		for i := range authors {
			for _, f := range []*storage.Account{accts[authors+i], accts[(i+1)%authors]} {
				if err := s.UpsertFollow(ctx, &storage.Follow{AccountID: f.ID, TargetAccountID: accts[i].ID}); err != nil {
					t.Fatal(err)
				}
			}
		}
		// Eight transactions meet statements not yet prepared at once,
		// with 4 connections on PostgreSQL: each prepares on its own
		// connection once the pool has none to give (prepared.go,
		// TestPrepareWithEveryConnectionInTransactions).
		var wg sync.WaitGroup
		errs := make(chan error, 3*authors*perAuthor) // room for every error: nobody blocks
		for i := range authors {
			wg.Add(1)
			go func() {
				defer wg.Done()
				author, reader, next := accts[i], accts[authors+i], accts[(i+1)%authors]
				for range perAuthor {
					st := &storage.Status{Local: true, AccountID: author.ID, Text: "x", Content: "<p>x</p>", Visibility: "private"}
					if err := s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
						if err := tx.InsertStatus(ctx, storage.NewStatus{Status: st}); err != nil {
							return err
						}
						return tx.FanOut(ctx, st, true, false, nil)
					}); err != nil {
						errs <- err
						return
					}
					for _, r := range []*storage.Account{reader, next} {
						sts, err := s.HomeStatuses(ctx, r.ID, storage.Page{Limit: 40})
						if err != nil {
							errs <- err
							return
						}
						if !slices.ContainsFunc(sts, func(h storage.Status) bool { return h.ID == st.ID }) {
							errs <- fmt.Errorf("%s's home misses %s's post %d, read right after it", r.Username, author.Username, st.ID)
						}
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})
}

// TestHomeReadsPendingRows: on SQLite a home read shows the posts whose
// fan-out is pending without flushing them, exactly as the flush will
// write them: to followers as they are now (not to one who unfollowed),
// merged in order with the feed's rows in every kind of page, deleted
// ones left out. PostgreSQL, which writes the rows at once, reads the
// same pages.
func TestHomeReadsPendingRows(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		ana, ben, cy, _ := pendingFixture(t, ctx, s)
		sqlite := s.Dialect() == storage.SQLite
		var flushed []int64
		for range 3 {
			flushed = append(flushed, postAs(t, ctx, s, ben, "public").ID)
		}
		if err := s.FlushHomeFeeds(ctx); err != nil {
			t.Fatal(err)
		}
		var pending []int64
		for range 3 {
			pending = append(pending, postAs(t, ctx, s, ben, "private").ID)
		}
		// cy unfollows ben, as core/follow does it.
		if err := s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			if _, err := tx.DeleteFollow(ctx, cy.ID, ben.ID); err != nil {
				return err
			}
			return tx.RemoveFromHome(ctx, cy.ID, ben.ID, true)
		}); err != nil {
			t.Fatal(err)
		}
		gone := postAs(t, ctx, s, ben, "public")
		if err := s.DeleteStatus(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		all := slices.Concat(flushed, pending) // ascending
		page := func(who *storage.Account, p storage.Page) []int64 {
			t.Helper()
			sts, err := s.HomeStatuses(ctx, who.ID, p)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, st := range sts {
				ids = append(ids, st.ID)
			}
			return ids
		}
		for _, c := range []struct {
			name string
			who  *storage.Account
			p    storage.Page
			want []int64 // oldest first
		}{
			{"head", ana, storage.Page{Limit: 40}, all},
			{"head of two", ana, storage.Page{Limit: 2}, all[4:]},
			{"below a pending post", ana, storage.Page{Limit: 3, MaxID: pending[1]}, all[1:4]},
			{"since a flushed post", ana, storage.Page{Limit: 40, SinceID: flushed[1]}, all[2:]},
			{"min_id, oldest first", ana, storage.Page{Limit: 2, MinID: flushed[2]}, all[3:5]},
			{"one who unfollowed", cy, storage.Page{Limit: 40}, nil},
		} {
			want := slices.Clone(c.want)
			slices.Reverse(want) // pages come newest first
			if got := page(c.who, c.p); !slices.Equal(got, want) {
				t.Errorf("%s: %v, want %v", c.name, got, want)
			}
		}
		if sqlite {
			if n := pendingRows(t, ctx, s); n != 3 {
				t.Errorf("%d pending rows after the reads, want 3: a read flushed", n)
			}
			if got := feedRows(t, ctx, s, ana.ID); !slices.Equal(got, flushed) {
				t.Errorf("ana's feed rows %v, want only the flushed %v", got, flushed)
			}
		}
	}, neverFlush)
}

// TestDeferredFanOutReadsFollowersAtFlush: the followers a pending post
// reaches are those of the flush: one who unfollowed or blocked
// meanwhile gets nothing, one who followed meanwhile gets it (SQLite;
// as BackfillHome would have given it). A status deleted while pending,
// marked or hard-deleted, reaches nobody and leaves no row behind. On
// PostgreSQL the same steps, with the rows written at once, end in the
// same feeds but for the late follower's.
func TestDeferredFanOutReadsFollowersAtFlush(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		ana, ben, cy, dee := pendingFixture(t, ctx, s)
		_, eve, err := newLocal(ctx, s, "eve", "eve@example.org")
		if err != nil {
			t.Fatal(err)
		}
		sqlite := s.Dialect() == storage.SQLite
		p := postAs(t, ctx, s, ben, "private")
		marked := postAs(t, ctx, s, ben, "public")
		gone := postAs(t, ctx, s, ben, "public")
		if sqlite {
			if got := feedRows(t, ctx, s, ana.ID); len(got) != 0 {
				t.Fatalf("before any flush ana's feed rows are %v, want none (pending)", got)
			}
			if n := pendingRows(t, ctx, s); n != 3 {
				t.Fatalf("%d pending rows, want 3", n)
			}
		}
		// cy unfollows and dee blocks ben, as core/follow does them.
		if err := s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			if _, err := tx.DeleteFollow(ctx, cy.ID, ben.ID); err != nil {
				return err
			}
			if err := tx.RemoveFromHome(ctx, cy.ID, ben.ID, true); err != nil {
				return err
			}
			if err := tx.InsertBlock(ctx, &storage.Block{AccountID: dee.ID, TargetAccountID: ben.ID}); err != nil {
				return err
			}
			if _, err := tx.DeleteFollow(ctx, dee.ID, ben.ID); err != nil {
				return err
			}
			return tx.RemoveFromHome(ctx, dee.ID, ben.ID, false)
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.UpsertFollow(ctx, &storage.Follow{AccountID: eve.ID, TargetAccountID: ben.ID}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteStatus(ctx, marked.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := rawDB(s).NewRaw(`DELETE FROM statuses WHERE id = ?`, gone.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if sqlite {
			if n := pendingRows(t, ctx, s); n != 1 {
				t.Errorf("%d pending rows after two of the three statuses were deleted, want 1", n)
			}
		}
		if err := s.FlushHomeFeeds(ctx); err != nil {
			t.Fatal(err)
		}
		wantEve := []int64(nil)
		if sqlite {
			wantEve = []int64{p.ID}
		}
		for _, c := range []struct {
			who  *storage.Account
			want []int64
		}{
			{ana, []int64{p.ID}}, {cy, nil}, {dee, nil}, {eve, wantEve}, {ben, []int64{p.ID}},
		} {
			if got := feedRows(t, ctx, s, c.who.ID); !slices.Equal(got, c.want) {
				t.Errorf("%s's feed rows = %v, want %v", c.who.Username, got, c.want)
			}
		}
		if n := pendingRows(t, ctx, s); n != 0 {
			t.Errorf("%d pending rows after the flush, want none", n)
		}
	}, neverFlush)
}

// TestPendingFanOutAtOpen: pending rows that a process left behind (it
// stopped before flushing them) are flushed when the database is next
// opened, and Close flushes what its own posts left.
func TestPendingFanOutAtOpen(t *testing.T) {
	ctx := context.Background()
	cfg := storagetest.Config(t, storage.SQLite)
	neverFlush(&cfg)
	s, err := storage.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	ana, ben, _, _ := pendingFixture(t, ctx, s)
	own := postAs(t, ctx, s, ben, "public")
	left := &storage.Status{Local: true, AccountID: ben.ID, Text: "x", Content: "<p>x</p>", Visibility: "public"}
	if err := s.InsertStatus(ctx, storage.NewStatus{Status: left}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// What a crash between a post's COMMIT and its flush leaves: the
	// status and its pending row.
	db, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(cfg.DSN, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO home_feed_pending (status_id, author_id) VALUES (?, ?)`, left.ID, ben.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = storage.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, want := feedRows(t, ctx, s, ana.ID), []int64{own.ID, left.ID}; !slices.Equal(got, want) {
		t.Errorf("after Close and Open, ana's feed rows = %v, want %v", got, want)
	}
	if n := pendingRows(t, ctx, s); n != 0 {
		t.Errorf("%d pending rows after Open, want none", n)
	}
}

// TestFailedFlushChangesNothing: a flush that fails after writing feed
// rows (here the pending rows cannot be deleted) undoes them and leaves
// the pending rows, a home read meanwhile still shows the post (from its
// pending row), and the next flush writes them.
func TestFailedFlushChangesNothing(t *testing.T) {
	ctx := context.Background()
	s := storagetest.Open(t, storage.SQLite, neverFlush)
	ana, ben, _, _ := pendingFixture(t, ctx, s)
	p := postAs(t, ctx, s, ben, "public")
	db := rawDB(s)
	if _, err := db.NewRaw(`CREATE TRIGGER keep_pending BEFORE DELETE ON home_feed_pending
		BEGIN SELECT RAISE(ABORT, 'kept'); END`).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.FlushHomeFeeds(ctx); err == nil || !strings.Contains(err.Error(), "kept") {
		t.Fatalf("flush = %v, want the trigger's error", err)
	}
	if got := feedRows(t, ctx, s, ana.ID); len(got) != 0 {
		t.Errorf("after the failed flush ana's feed rows = %v, want none", got)
	}
	if n := pendingRows(t, ctx, s); n != 1 {
		t.Errorf("after the failed flush %d pending rows, want 1", n)
	}
	// A home read does not need the flush: it reads the pending row.
	if got := homeIDs(t, ctx, s, ana.ID); !slices.Equal(got, []int64{p.ID}) {
		t.Errorf("ana's home while the flush fails = %v, want %v", got, []int64{p.ID})
	}
	if _, err := db.NewRaw(`DROP TRIGGER keep_pending`).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.FlushHomeFeeds(ctx); err != nil {
		t.Fatal(err)
	}
	if got := feedRows(t, ctx, s, ana.ID); !slices.Equal(got, []int64{p.ID}) {
		t.Errorf("after the next flush ana's feed rows = %v, want %v", got, []int64{p.ID})
	}
	if n := pendingRows(t, ctx, s); n != 0 {
		t.Errorf("%d pending rows after the next flush, want none", n)
	}
	if got := homeIDs(t, ctx, s, ana.ID); !slices.Equal(got, []int64{p.ID}) {
		t.Errorf("ana's home = %v, want %v", got, []int64{p.ID})
	}
}

// TestBoostSeesPendingPost: whether a boost enters a feed depends on the
// feed's newest entries (ReblogFalloff); a post still pending there
// counts, so cy's boost of ben's fresh post stays out of ana's feed,
// which already has the post.
func TestBoostSeesPendingPost(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		ana, ben, cy, _ := pendingFixture(t, ctx, s)
		if err := s.UpsertFollow(ctx, &storage.Follow{AccountID: ana.ID, TargetAccountID: cy.ID, ShowReblogs: true}); err != nil {
			t.Fatal(err)
		}
		p := postAs(t, ctx, s, ben, "public")
		boost := &storage.Status{Local: true, AccountID: cy.ID, Visibility: "public", ReblogOfID: &p.ID}
		if err := s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			if err := tx.InsertStatus(ctx, storage.NewStatus{Status: boost}); err != nil {
				return err
			}
			return tx.FanOutReblog(ctx, boost, ben.ID)
		}); err != nil {
			t.Fatal(err)
		}
		if got := homeIDs(t, ctx, s, ana.ID); !slices.Equal(got, []int64{p.ID}) {
			t.Errorf("ana's home = %v, want only the post %d (not the boost %d)", got, p.ID, boost.ID)
		}
		// cy follows ben too: her own boost stays out of her feed as well.
		if got := homeIDs(t, ctx, s, cy.ID); !slices.Equal(got, []int64{p.ID}) {
			t.Errorf("cy's home = %v, want only the post %d", got, p.ID)
		}
	}, neverFlush)
}

// TestBackgroundFlush: without any reader, the flusher writes a post's
// followers' rows by itself.
func TestBackgroundFlush(t *testing.T) {
	ctx := context.Background()
	s := storagetest.Open(t, storage.SQLite, func(c *storage.Config) { c.HomeFlushDelay = -1 })
	ana, ben, _, _ := pendingFixture(t, ctx, s)
	p := postAs(t, ctx, s, ben, "public")
	deadline := time.Now().Add(30 * time.Second) // a bound on a hang, not a speed
	for pendingRows(t, ctx, s) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the post's fan-out is still pending")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := feedRows(t, ctx, s, ana.ID); !slices.Equal(got, []int64{p.ID}) {
		t.Errorf("ana's feed rows = %v, want %v", got, []int64{p.ID})
	}
}

// TestBackgroundFlushFailureLogged: a background flush that fails has no
// caller to tell, so it is logged (Config.Logger), and its rows stay
// pending.
func TestBackgroundFlushFailureLogged(t *testing.T) {
	ctx := context.Background()
	var log lockedBuffer
	s := storagetest.Open(t, storage.SQLite, func(c *storage.Config) {
		c.HomeFlushDelay = -1
		c.Logger = slog.New(slog.NewTextHandler(&log, nil))
	})
	_, ben, _, _ := pendingFixture(t, ctx, s)
	if _, err := rawDB(s).NewRaw(`CREATE TRIGGER keep_pending BEFORE DELETE ON home_feed_pending
		BEGIN SELECT RAISE(ABORT, 'kept'); END`).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	postAs(t, ctx, s, ben, "public")
	deadline := time.Now().Add(30 * time.Second) // a bound on a hang, not a speed
	for !strings.Contains(log.String(), "background flush of home feeds failed") {
		if time.Now().After(deadline) {
			t.Fatalf("no failed flush logged; the log holds %q", log.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := log.String(); !strings.Contains(got, "level=WARN") || !strings.Contains(got, "kept") {
		t.Errorf("log = %q, want a warning with the flush's error", got)
	}
	if n := pendingRows(t, ctx, s); n != 1 {
		t.Errorf("%d pending rows after the failed flush, want 1", n)
	}
}

// lockedBuffer is a bytes.Buffer that a logger may write to while a test
// reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestHomeFeedPendingMigration: taking migration 20261201010000 down
// writes what is pending into the feeds before the table goes, and it
// comes back up, on both databases.
func TestHomeFeedPendingMigration(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		ana, ben, _, _ := pendingFixture(t, ctx, s)
		st := &storage.Status{Local: true, AccountID: ben.ID, Text: "x", Content: "<p>x</p>", Visibility: "public"}
		if err := s.InsertStatus(ctx, storage.NewStatus{Status: st}); err != nil {
			t.Fatal(err)
		}
		db := rawDB(s)
		if _, err := db.NewRaw(`INSERT INTO home_feed_pending (status_id, author_id) VALUES (?, ?)`, st.ID, ben.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		migrator := migrate.NewMigrator(db, migrations.Migrations)
		for _, m := range migrations.Migrations.Sorted() {
			if m.Name != "20261201010000" {
				continue
			}
			if err := m.Down(ctx, migrator, &m); err != nil {
				t.Fatalf("down: %v", err)
			}
			if got := feedRows(t, ctx, s, ana.ID); !slices.Equal(got, []int64{st.ID}) {
				t.Errorf("after down, ana's feed rows = %v, want %v", got, []int64{st.ID})
			}
			if err := m.Up(ctx, migrator, &m); err != nil {
				t.Fatalf("up again: %v", err)
			}
			if n := pendingRows(t, ctx, s); n != 0 {
				t.Errorf("%d pending rows after up, want none", n)
			}
		}
	}, neverFlush)
}
