package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestReadStamp: a stamp stays current (and equal to a new one) until
// this Store writes a table the read cache depends on (directly or in a
// transaction, again when it ends) or its TTL window ends; a
// transaction, or a Store without a cache, gives none.
func TestReadStamp(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := &storage.Account{Username: "ana", ActorType: storage.ActorPerson}
		if err := s.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		stamp := func() storage.ReadStamp {
			t.Helper()
			st, ok := s.ReadStamp()
			if !ok {
				t.Fatal("no stamp outside a transaction")
			}
			return st
		}
		st := stamp()
		if _, err := s.AccountsByIDs(ctx, []int64{a.ID}); err != nil { // reads write nothing
			t.Fatal(err)
		}
		if !s.Current(st) {
			t.Fatal("a fresh stamp is not current")
		}
		if !stamp().Equal(st) {
			t.Error("two stamps with no write between them are not Equal")
		}
		at := time.Now().UTC()
		if err := s.SetSuspended(ctx, a.ID, &at); err != nil {
			t.Fatal(err)
		}
		if s.Current(st) {
			t.Error("a stamp is current after a write to accounts")
		}
		if stamp().Equal(st) {
			t.Error("stamps before and after a write to accounts are Equal")
		}

		st = stamp()
		err := s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			if _, ok := tx.ReadStamp(); ok {
				t.Error("a transaction gave a stamp")
			}
			return tx.SetSuspended(ctx, a.ID, nil)
		})
		if err != nil {
			t.Fatal(err)
		}
		if s.Current(st) {
			t.Error("a stamp is current after a committed transaction's write")
		}
	}, func(c *storage.Config) {
		// Windows of an hour: with the default 2 s, a stamp taken near a
		// window's end went stale before the first check on a busy
		// machine. The window's own end is the last case's.
		c.ReadCacheTTL = time.Hour
	})
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		if _, ok := s.ReadStamp(); ok {
			t.Error("a Store without a read cache gave a stamp")
		}
	}, storagetest.NoReadCache)
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		st, ok := s.ReadStamp()
		if !ok {
			t.Fatal("no stamp")
		}
		time.Sleep(40 * time.Millisecond) // past the end of the 20 ms window
		if s.Current(st) {
			t.Error("a stamp is current after its TTL window ended")
		}
	}, func(c *storage.Config) { c.ReadCacheTTL = 20 * time.Millisecond })
}
