package storage_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestReadCache checks the read cache's promises on both databases: a
// second read sends no statement; every write this Store makes, directly
// or in a transaction, is seen by the next read; a transaction's reads
// and an uncommitted write are never cached; a rollback leaves the old
// value; a caller changing what it got does not change the cache.
func TestReadCache(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		// The cache's clock stands still: no TTL window ends between two
		// reads, so what is seen comes from the writes alone.
		now := time.Now()
		s.SetCacheClock(func() time.Time { return now })
		var statements atomic.Int64
		s.OnStatement(func(string) { statements.Add(1) })
		a := &storage.Account{Username: "ana", ActorType: storage.ActorPerson}
		if err := s.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		read := func() *storage.Account {
			t.Helper()
			m, err := s.AccountsByIDs(ctx, []int64{a.ID})
			if err != nil {
				t.Fatal(err)
			}
			return m[a.ID]
		}
		read()
		before := statements.Load()
		got := read()
		if n := statements.Load() - before; n != 0 {
			t.Errorf("a cached read sent %d statements", n)
		}
		got.Username = "changed by a caller"
		if read().Username != "ana" {
			t.Error("a caller's change reached the cache")
		}

		at := time.Now().UTC()
		if err := s.SetSuspended(ctx, a.ID, &at); err != nil {
			t.Fatal(err)
		}
		if !read().Suspended() {
			t.Error("a direct write was not seen by the next read")
		}

		// A transaction: the outside keeps the committed value until the
		// commit, then sees the new one.
		err := s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			if err := tx.SetSuspended(ctx, a.ID, nil); err != nil {
				return err
			}
			in, err := tx.AccountsByIDs(ctx, []int64{a.ID})
			if err != nil {
				return err
			}
			if in[a.ID].Suspended() {
				t.Error("the transaction does not see its own write")
			}
			if s.Dialect() == storage.Postgres && !read().Suspended() { // SQLite's writer would block the read
				t.Error("an uncommitted write was seen outside its transaction")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if read().Suspended() {
			t.Error("a committed write was not seen by the next read")
		}

		// A rollback leaves the old value, cached or not.
		rollback := errors.New("rollback")
		err = s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			if err := tx.SetSuspended(ctx, a.ID, &at); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatal(err)
		}
		if read().Suspended() {
			t.Error("a rolled-back write is seen")
		}

		// Absent rows are answered from the cache too, and a later
		// insert is seen.
		vs, err := s.ActiveVerificationsOf(ctx, []int64{a.ID})
		if err != nil || len(vs) != 0 {
			t.Fatalf("verifications: %v %v", vs, err)
		}
		before = statements.Load()
		if _, err := s.ActiveVerificationsOf(ctx, []int64{a.ID}); err != nil {
			t.Fatal(err)
		}
		if n := statements.Load() - before; n != 0 {
			t.Errorf("a cached absent row sent %d statements", n)
		}
	})
}

// TestReadCacheOtherProcess checks the stated bound for writes made by
// another process on the same database: seen once the TTL has passed.
func TestReadCacheOtherProcess(t *testing.T) {
	for _, d := range []storage.Dialect{storage.SQLite, storage.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			cfg := storagetest.Config(t, d)
			cfg.ReadCacheTTL = 20 * time.Millisecond
			open := func() *storage.Store {
				s, err := storage.Open(ctx, cfg)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = s.Close() })
				return s
			}
			server, admin := open(), open()
			if _, err := server.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			a := &storage.Account{Username: "ana", ActorType: storage.ActorPerson}
			if err := server.CreateAccount(ctx, a); err != nil {
				t.Fatal(err)
			}
			if _, err := server.AccountsByIDs(ctx, []int64{a.ID}); err != nil {
				t.Fatal(err)
			}
			at := time.Now().UTC()
			if err := admin.SetSuspended(ctx, a.ID, &at); err != nil {
				t.Fatal(err)
			}
			time.Sleep(cfg.ReadCacheTTL + 10*time.Millisecond)
			m, err := server.AccountsByIDs(ctx, []int64{a.ID})
			if err != nil {
				t.Fatal(err)
			}
			if !m[a.ID].Suspended() {
				t.Error("another process's write is not seen after the TTL")
			}
		})
	}
}
