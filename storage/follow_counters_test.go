package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/migrate"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/migrations"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// rawDB is a bun handle on the store's database, for checks that count
// rows directly.
func rawDB(s *storage.Store) *bun.DB {
	if s.Dialect() == storage.Postgres {
		return bun.NewDB(s.DB(), pgdialect.New())
	}
	return bun.NewDB(s.DB(), sqlitedialect.New())
}

// checkFollowCounts compares AccountStatsOf with counts of the follows
// rows for every account named.
func checkFollowCounts(t *testing.T, s *storage.Store, step string, accts map[string]*storage.Account) {
	t.Helper()
	ctx := context.Background()
	db := rawDB(s)
	ids := make([]int64, 0, len(accts))
	for _, a := range accts {
		ids = append(ids, a.ID)
	}
	stats, err := s.AccountStatsOf(ctx, ids)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	for name, a := range accts {
		var followers, following int
		if err := db.NewRaw(`SELECT count(*) FROM follows WHERE target_account_id = ?`, a.ID).Scan(ctx, &followers); err != nil {
			t.Fatal(err)
		}
		if err := db.NewRaw(`SELECT count(*) FROM follows WHERE account_id = ?`, a.ID).Scan(ctx, &following); err != nil {
			t.Fatal(err)
		}
		got := stats[a.ID]
		if got.Followers != followers || got.Following != following {
			t.Errorf("%s: %s has counters %d followers / %d following, rows say %d / %d",
				step, name, got.Followers, got.Following, followers, following)
		}
	}
}

// TestFollowCounters: the follower and following counters follow every
// way follows come and go, and the migration's backfill recomputes them.
func TestFollowCounters(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		accts := map[string]*storage.Account{}
		for _, name := range []string{"ana", "ben", "cy", "dee"} {
			_, a, err := newLocal(ctx, s, name, name+"@example.org")
			if err != nil {
				t.Fatal(err)
			}
			accts[name] = a
		}
		remote := &storage.Account{Username: "rem", Domain: "remote.example", ActorType: storage.ActorPerson, PublicKeyPEM: "pem"}
		if err := s.CreateAccount(ctx, remote); err != nil {
			t.Fatal(err)
		}
		accts["rem"] = remote
		follow := func(from, to string) {
			t.Helper()
			if err := s.UpsertFollow(ctx, &storage.Follow{AccountID: accts[from].ID, TargetAccountID: accts[to].ID}); err != nil {
				t.Fatal(err)
			}
		}
		checkFollowCounts(t, s, "no follows", accts)
		for _, f := range [][2]string{{"ana", "ben"}, {"ana", "cy"}, {"ben", "cy"}, {"dee", "cy"}, {"rem", "ana"}, {"ana", "rem"}, {"cy", "rem"}} {
			follow(f[0], f[1])
		}
		checkFollowCounts(t, s, "after follows", accts)
		if got, _ := s.AccountStatsOf(ctx, []int64{accts["cy"].ID}); got[accts["cy"].ID].Followers != 3 {
			t.Fatalf("cy followers = %d, want 3", got[accts["cy"].ID].Followers)
		}

		// Following again only changes options.
		if err := s.UpsertFollow(ctx, &storage.Follow{AccountID: accts["ana"].ID, TargetAccountID: accts["ben"].ID, Notify: true}); err != nil {
			t.Fatal(err)
		}
		checkFollowCounts(t, s, "after a repeated follow", accts)

		if ok, err := s.DeleteFollow(ctx, accts["ana"].ID, accts["ben"].ID); err != nil || !ok {
			t.Fatalf("unfollow: %v %v", ok, err)
		}
		if ok, err := s.DeleteFollow(ctx, accts["ana"].ID, accts["ben"].ID); err != nil || ok {
			t.Fatalf("second unfollow: %v %v", ok, err)
		}
		checkFollowCounts(t, s, "after unfollows", accts)

		// A transaction that rolls back leaves the counters as they were.
		err := s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			if err := tx.UpsertFollow(ctx, &storage.Follow{AccountID: accts["ben"].ID, TargetAccountID: accts["dee"].ID}); err != nil {
				return err
			}
			return fmt.Errorf("roll back")
		})
		if err == nil {
			t.Fatal("the transaction did not fail")
		}
		checkFollowCounts(t, s, "after a rolled-back follow", accts)

		// A remote account deleted by its server loses its follows both ways.
		if err := s.RemoveAccountContent(ctx, remote.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		checkFollowCounts(t, s, "after a remote deletion", accts)

		// Deleting an account cascades to its follows.
		if _, err := rawDB(s).NewRaw(`DELETE FROM accounts WHERE id = ?`, accts["dee"].ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		delete(accts, "dee")
		checkFollowCounts(t, s, "after an account deletion", accts)

		// The migration's backfill computes the same counts: roll it back
		// and apply it again.
		follow("ben", "ana")
		migrator := migrate.NewMigrator(rawDB(s), migrations.Migrations)
		for _, m := range migrations.Migrations.Sorted() {
			if m.Name != "20261127010000" {
				continue
			}
			if err := m.Down(ctx, migrator, &m); err != nil {
				t.Fatalf("down: %v", err)
			}
			if err := m.Up(ctx, migrator, &m); err != nil {
				t.Fatalf("up again: %v", err)
			}
		}
		checkFollowCounts(t, s, "after the backfill", accts)
		follow("cy", "ben")
		checkFollowCounts(t, s, "after a follow with the triggers made again", accts)
	}, storagetest.NoReadCache) // rawDB writes behind the Store's back
}
