package storage_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestPrepareWithEveryConnectionInTransactions: transactions that hold
// every connection of the pool and then meet a statement not yet prepared
// all go on (each prepares it on its own connection), instead of each
// waiting for a free connection to prepare it on the pool, which none of
// them would ever give back. PostgreSQL only: SQLite runs its
// transactions one after another through the write gate.
func TestPrepareWithEveryConnectionInTransactions(t *testing.T) {
	const conns = 3
	s := storagetest.Open(t, storage.Postgres, func(c *storage.Config) { c.MaxOpenConns = conns })
	ctx := context.Background()
	_, a, err := newLocal(ctx, s, "ana", "ana@example.org")
	if err != nil {
		t.Fatal(err)
	}
	var inside sync.WaitGroup
	inside.Add(conns)
	errs := make(chan error, conns)
	for range conns {
		go func() {
			errs <- s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
				// Every transaction holds its connection (from BEGIN)
				// before any of them prepares.
				inside.Done()
				inside.Wait()
				_, err := tx.HomeStatuses(ctx, a.ID, storage.Page{Limit: 40})
				return err
			})
		}()
	}
	// A bound on a hang, not a speed test: a deadlock never ends.
	deadline := time.After(30 * time.Second)
	for range conns {
		select {
		case err := <-errs:
			if err != nil {
				t.Fatal(err)
			}
		case <-deadline:
			t.Fatal("transactions holding every connection never ended: preparing waits for a connection none will give back")
		}
	}
}
