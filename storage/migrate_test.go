package storage_test

import (
	"context"
	"sync"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/migrations"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// migrationNames lists every registered migration, oldest first.
func migrationNames() []string {
	var names []string
	for _, m := range migrations.Migrations.Sorted() {
		names = append(names, m.Name)
	}
	return names
}

// eachFresh runs fn on a fresh, unmigrated database of each kind.
func eachFresh(t *testing.T, fn func(t *testing.T, cfg storage.Config, s *storage.Store)) {
	for _, d := range []storage.Dialect{storage.SQLite, storage.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			cfg := storagetest.Config(t, d)
			s, err := storage.Open(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			if s.Dialect() != d {
				t.Fatalf("opened %s, want %s", s.Dialect(), d)
			}
			fn(t, cfg, s)
		})
	}
}

func TestMigrations(t *testing.T) {
	names := migrationNames()
	eachFresh(t, func(t *testing.T, _ storage.Config, s *storage.Store) {
		ctx := context.Background()

		// Before: everything pending, and asking changes nothing.
		for range 2 {
			st, err := s.MigrationStatuses(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(st) != len(names) {
				t.Fatalf("%d statuses, want %d", len(st), len(names))
			}
			for i, m := range st {
				if m.Name != names[i] || m.Applied || !m.AppliedAt.IsZero() {
					t.Errorf("status %d = %+v, want %s pending", i, m, names[i])
				}
			}
		}
		if p, err := s.Pending(ctx); err != nil || len(p) != len(names) {
			t.Errorf("Pending = %v, %v; want all %d", p, err, len(names))
		}

		// Apply: every migration, in order.
		applied, err := s.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !equal(applied, names) {
			t.Errorf("applied %v, want %v", applied, names)
		}
		st, err := s.MigrationStatuses(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range st {
			if !m.Applied || m.AppliedAt.IsZero() {
				t.Errorf("after Migrate, %s is %+v", m.Name, m)
			}
		}
		if p, err := s.Pending(ctx); err != nil || len(p) != 0 {
			t.Errorf("Pending after Migrate = %v, %v", p, err)
		}

		// Again: a no-op that keeps the data.
		if _, _, err := newLocal(ctx, s, "alice", "alice@example.org"); err != nil {
			t.Fatal(err)
		}
		again, err := s.Migrate(ctx)
		if err != nil || len(again) != 0 {
			t.Errorf("a second Migrate applied %v, %v; want nothing", again, err)
		}
		if _, err := s.AccountByUsername(ctx, "alice", ""); err != nil {
			t.Errorf("a second Migrate lost data: %v", err)
		}
	})
}

// TestConcurrentMigrate runs two processes' worth of Migrate on one
// database at once, as two replicas starting together would: one applies
// everything and the other finds nothing to do, without an error.
func TestConcurrentMigrate(t *testing.T) {
	eachFresh(t, func(t *testing.T, cfg storage.Config, first *storage.Store) {
		ctx := context.Background()
		second, err := storage.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer second.Close()
		var wg sync.WaitGroup
		results := make([][]string, 2)
		errs := make([]error, 2)
		for i, s := range []*storage.Store{first, second} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = s.Migrate(ctx)
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("process %d: %v", i, err)
			}
		}
		if n := len(results[0]) + len(results[1]); n != len(migrationNames()) {
			t.Errorf("the two processes applied %v and %v: want every migration applied exactly once", results[0], results[1])
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
