package storage_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestInTxGroups: transactions that queue while another one writes each
// get their own outcome, as if they ran alone. On SQLite they are
// committed together in one group (writegate.go): one that fails, one
// whose statement breaks a constraint and one that panics undo only
// their own writes and get their own error or panic; one whose context
// ends while it waits writes nothing; the others commit. PostgreSQL runs
// the same calls concurrently, with the same outcomes.
func TestInTxGroups(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		before := s.WriteStats()
		started, release := make(chan struct{}), make(chan struct{})
		first := make(chan error, 1)
		go func() {
			first <- s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
				if _, _, err := newLocal(ctx, tx, "first", "first@example.org"); err != nil {
					return err
				}
				close(started)
				<-release
				return nil
			})
		}()
		<-started

		boom := errors.New("boom")
		cancelled, cancel := context.WithCancel(ctx)
		type outcome struct {
			err      error
			panicked any
		}
		calls := []struct {
			name string
			ctx  context.Context
			fn   func(ctx context.Context, tx *storage.Store) error
		}{
			{"commits", ctx, func(ctx context.Context, tx *storage.Store) error {
				_, _, err := newLocal(ctx, tx, "commits", "commits@example.org")
				return err
			}},
			{"fails", ctx, func(ctx context.Context, tx *storage.Store) error {
				if _, _, err := newLocal(ctx, tx, "fails", "fails@example.org"); err != nil {
					return err
				}
				return boom
			}},
			{"conflicts", ctx, func(ctx context.Context, tx *storage.Store) error {
				if _, _, err := newLocal(ctx, tx, "conflicts", "conflicts@example.org"); err != nil {
					return err
				}
				_, _, err := newLocal(ctx, tx, "first", "first-again@example.org")
				return err
			}},
			{"panics", ctx, func(ctx context.Context, tx *storage.Store) error {
				if _, _, err := newLocal(ctx, tx, "panics", "panics@example.org"); err != nil {
					return err
				}
				panic("panics")
			}},
			{"cancelled", cancelled, func(ctx context.Context, tx *storage.Store) error {
				_, _, err := newLocal(ctx, tx, "cancelled", "cancelled@example.org")
				return err
			}},
			{"also commits", ctx, func(ctx context.Context, tx *storage.Store) error {
				_, _, err := newLocal(ctx, tx, "alsocommits", "alsocommits@example.org")
				return err
			}},
		}
		got := make([]outcome, len(calls))
		var wg sync.WaitGroup
		for i, c := range calls {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { got[i].panicked = recover() }()
				got[i].err = s.InTx(c.ctx, c.fn)
			}()
			if s.Dialect() == storage.SQLite {
				waitFor(t, func() bool { return s.WriteStats().Waiting == i+1 })
			}
		}
		if s.Dialect() == storage.SQLite {
			cancel() // while it waits behind the first
			waitFor(t, func() bool { return s.WriteStats().Waiting == len(calls)-1 })
		} else {
			cancel()
		}
		close(release)
		wg.Wait()
		if err := <-first; err != nil {
			t.Fatalf("first: %v", err)
		}

		want := map[string]struct {
			stored bool
			err    error
		}{
			"first":       {true, nil},
			"commits":     {true, nil},
			"fails":       {false, boom},
			"conflicts":   {false, storage.ErrConflict},
			"panics":      {false, nil},
			"alsocommits": {true, nil},
		}
		for i, c := range calls {
			w := want[c.name]
			switch c.name {
			case "panics":
				if got[i].panicked != "panics" {
					t.Errorf("panics: recovered %v, want its own panic", got[i].panicked)
				}
			case "cancelled":
				// PostgreSQL may have started it before the cancel; SQLite
				// had queued it, and it gives up without writing.
				if s.Dialect() == storage.SQLite && !errors.Is(got[i].err, context.Canceled) {
					t.Errorf("cancelled: %v, want context.Canceled", got[i].err)
				}
				if _, err := s.AccountByUsername(ctx, "cancelled", ""); s.Dialect() == storage.SQLite && !errors.Is(err, storage.ErrNotFound) {
					t.Errorf("cancelled: stored (%v)", err)
				}
				continue
			default:
				if !errors.Is(got[i].err, w.err) || (w.err == nil) != (got[i].err == nil) {
					t.Errorf("%s: %v, want %v", c.name, got[i].err, w.err)
				}
			}
		}
		for name, w := range want {
			_, err := s.AccountByUsername(ctx, name, "")
			if w.stored && err != nil {
				t.Errorf("%s: not stored: %v", name, err)
			}
			if !w.stored && !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("%s: stored (%v), want it undone", name, err)
			}
		}
		if s.Dialect() == storage.SQLite {
			after := s.WriteStats()
			// The first alone, then the five that waited in one group.
			if g, n := after.Groups-before.Groups, after.Transactions-before.Transactions; g != 2 || n != 6 {
				t.Errorf("%d transactions in %d groups, want 6 in 2", n, g)
			}
		}
	})
}

// waitFor polls cond until it holds, failing the test after 10 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10 s")
		}
		time.Sleep(time.Millisecond)
	}
}
