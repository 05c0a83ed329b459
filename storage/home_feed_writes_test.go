package storage_test

import (
	"context"
	"slices"
	"testing"

	"github.com/uptrace/bun/migrate"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/migrations"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestHomeFeedWrites: with home_feed's author index gone (and, on
// PostgreSQL, its foreign keys replaced by triggers; migration
// 20261128040000), an unfollow and a block still take exactly the
// author's statuses out of one feed, and deleting a status or an account
// row still takes its feed rows with it, before and after the migration
// is rolled back and applied again.
func TestHomeFeedWrites(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		db := rawDB(s)
		accts := map[string]*storage.Account{}
		for _, name := range []string{"ana", "ben", "cy", "dee"} {
			_, a, err := newLocal(ctx, s, name, name+"@example.org")
			if err != nil {
				t.Fatal(err)
			}
			accts[name] = a
		}
		ana, ben, cy, dee := accts["ana"], accts["ben"], accts["cy"], accts["dee"]
		for _, f := range [][2]*storage.Account{{ana, ben}, {ana, cy}, {dee, ben}} {
			if err := s.UpsertFollow(ctx, &storage.Follow{AccountID: f[0].ID, TargetAccountID: f[1].ID}); err != nil {
				t.Fatal(err)
			}
		}
		post := func(author *storage.Account, mentions ...*storage.Account) int64 {
			t.Helper()
			st := &storage.Status{Local: true, AccountID: author.ID, Text: "x", Content: "<p>x</p>", Visibility: "public"}
			var ids []int64
			for _, m := range mentions {
				ids = append(ids, m.ID)
			}
			err := s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
				if err := tx.InsertStatus(ctx, storage.NewStatus{Status: st, MentionIDs: ids}); err != nil {
					return err
				}
				return tx.FanOut(ctx, st, true, false, ids)
			})
			if err != nil {
				t.Fatal(err)
			}
			return st.ID
		}
		feed := func(a *storage.Account) []int64 {
			t.Helper()
			// Read behind the Store's back: write the followers' rows
			// that SQLite defers first (home_pending.go).
			if err := s.FlushHomeFeeds(ctx); err != nil {
				t.Fatal(err)
			}
			var ids []int64
			if err := db.NewRaw(`SELECT status_id FROM home_feed WHERE account_id = ? ORDER BY status_id`, a.ID).Scan(ctx, &ids); err != nil {
				t.Fatal(err)
			}
			return ids
		}
		want := func(step string, a *storage.Account, ids ...int64) {
			t.Helper()
			slices.Sort(ids)
			if got := feed(a); !slices.Equal(got, ids) {
				t.Errorf("%s: %s's feed = %v, want %v", step, a.Username, got, ids)
			}
		}

		for round := range 2 {
			b1, b2 := post(ben), post(ben, ana)
			c1, a1 := post(cy), post(ana)
			want("posted", ana, b1, b2, c1, a1)
			want("posted", dee, b1, b2)

			// Unfollow: ben leaves ana's feed but for the status that
			// mentions her; cy's and her own stay, and dee's feed is
			// untouched.
			if err := s.RemoveFromHome(ctx, ana.ID, ben.ID, true); err != nil {
				t.Fatal(err)
			}
			want("after the unfollow", ana, b2, c1, a1)
			want("after the unfollow", dee, b1, b2)
			// Block: every one of ben's goes.
			if err := s.RemoveFromHome(ctx, ana.ID, ben.ID, false); err != nil {
				t.Fatal(err)
			}
			want("after the block", ana, c1, a1)

			// Deleting rows outright takes their feed rows with them.
			if _, err := db.NewRaw(`DELETE FROM statuses WHERE id = ?`, c1).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			want("after a status row's deletion", ana, a1)
			if _, err := db.NewRaw(`DELETE FROM statuses WHERE account_id = ?`, ana.ID).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			want("after deleting the account's statuses", ana)
			want("before the account's deletion", dee, b1, b2)
			if _, err := db.NewRaw(`DELETE FROM accounts WHERE id = ?`, dee.ID).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			var left int
			if err := db.NewRaw(`SELECT count(*) FROM home_feed WHERE account_id = ?`, dee.ID).Scan(ctx, &left); err != nil || left != 0 {
				t.Errorf("a deleted account keeps %d feed rows (%v)", left, err)
			}
			// Deleting the author cascades to its statuses, and they to
			// the feeds.
			if _, err := db.NewRaw(`DELETE FROM accounts WHERE id = ?`, ben.ID).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			var rows int
			if err := db.NewRaw(`SELECT count(*) FROM home_feed`).Scan(ctx, &rows); err != nil || rows != 0 {
				t.Errorf("round %d: %d feed rows left (%v), want none", round, rows, err)
			}
			if round == 1 {
				break
			}

			// Roll the migration back and apply it again, and play the
			// same again with fresh accounts.
			migrator := migrate.NewMigrator(db, migrations.Migrations)
			for _, m := range migrations.Migrations.Sorted() {
				if m.Name != "20261128040000" {
					continue
				}
				if err := m.Down(ctx, migrator, &m); err != nil {
					t.Fatalf("down: %v", err)
				}
				if err := m.Up(ctx, migrator, &m); err != nil {
					t.Fatalf("up again: %v", err)
				}
			}
			for _, name := range []string{"ben2", "dee2"} {
				_, a, err := newLocal(ctx, s, name, name+"@example.org")
				if err != nil {
					t.Fatal(err)
				}
				accts[name] = a
			}
			ben, dee = accts["ben2"], accts["dee2"]
			for _, f := range [][2]*storage.Account{{ana, ben}, {dee, ben}} {
				if err := s.UpsertFollow(ctx, &storage.Follow{AccountID: f[0].ID, TargetAccountID: f[1].ID}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}, storagetest.NoReadCache) // rawDB deletes behind the Store's back
}
