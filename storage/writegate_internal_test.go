package storage

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// groupStore opens a fresh, migrated SQLite store (the only engine whose
// write transactions are grouped).
func groupStore(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, Config{DSN: "sqlite:" + filepath.Join(t.TempDir(), "rounds.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// inGroup runs the functions as InTx calls queued behind a transaction
// that holds the write lock until all of them wait, so that they form one
// group, and returns their errors in order.
func inGroup(t *testing.T, s *Store, fns ...func(ctx context.Context, tx *Store) error) []error {
	t.Helper()
	return inGroups(t, s, nil, fns...)
}

// inGroups is inGroup with the callers whose alone is true asking to be
// written alone.
func inGroups(t *testing.T, s *Store, alone []bool, fns ...func(ctx context.Context, tx *Store) error) []error {
	t.Helper()
	ctx := context.Background()
	started, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- s.InTx(ctx, func(ctx context.Context, tx *Store) error {
			close(started)
			<-release
			return nil
		})
	}()
	<-started
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.runTx(ctx, i < len(alone) && alone[i], fn)
		}()
		deadline := time.Now().Add(10 * time.Second)
		for s.WriteStats().Waiting != i+1 {
			if time.Now().After(deadline) {
				t.Fatal("callers did not queue")
			}
			time.Sleep(time.Millisecond)
		}
	}
	close(release)
	wg.Wait()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	return errs
}

// account stores a local account named name in tx.
func account(name string) func(ctx context.Context, tx *Store) error {
	return func(ctx context.Context, tx *Store) error {
		return tx.CreateLocalAccount(ctx, &User{Email: name + "@example.org", PasswordHash: "hash", Role: "member"},
			&Account{Username: name, ActorType: ActorPerson, PublicKeyPEM: "pem"})
	}
}

// stored reports whether the local account name exists.
func stored(t *testing.T, s *Store, name string) bool {
	t.Helper()
	_, err := s.AccountByUsername(context.Background(), name, "")
	if err != nil && !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

// TestGroupCommitFails: when the group's COMMIT fails (here a deferred
// foreign key, checked only at COMMIT), every member gets the error and
// none of their writes is kept; the next transaction runs normally.
func TestGroupCommitFails(t *testing.T) {
	s := groupStore(t)
	errs := inGroup(t, s, account("before"), func(ctx context.Context, tx *Store) error {
		if _, err := tx.idb.ExecContext(ctx, "PRAGMA defer_foreign_keys = ON"); err != nil {
			return err
		}
		_, err := tx.idb.ExecContext(ctx, "INSERT INTO home_feed_pending (status_id, author_id) VALUES (-1, -1)")
		return err
	}, account("after"))
	for i, err := range errs {
		if err == nil || !strings.Contains(err.Error(), "commit") {
			t.Errorf("member %d: %v, want the COMMIT's error", i, err)
		}
	}
	for _, name := range []string{"before", "after"} {
		if stored(t, s, name) {
			t.Errorf("%s kept after a failed COMMIT", name)
		}
	}
	if err := s.InTx(context.Background(), account("next")); err != nil || !stored(t, s, "next") {
		t.Errorf("the next transaction: %v", err)
	}
}

// TestGroupLost: when SQLite ends the shared transaction under a failing
// member (simulated by a ROLLBACK of its own), the members before it
// lose their writes and are told so, it gets its own error, and the
// members after it run again in a new transaction and commit.
func TestGroupLost(t *testing.T) {
	s := groupStore(t)
	boom := errors.New("boom")
	before := s.WriteStats()
	errs := inGroup(t, s, account("before"), func(ctx context.Context, tx *Store) error {
		if err := account("breaker")(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.idb.ExecContext(ctx, "ROLLBACK"); err != nil {
			return err
		}
		return boom
	}, account("after"))
	if !errors.Is(errs[0], errGroupLost) {
		t.Errorf("before: %v, want errGroupLost", errs[0])
	}
	if !errors.Is(errs[1], boom) {
		t.Errorf("breaker: %v, want its own error", errs[1])
	}
	if errs[2] != nil {
		t.Errorf("after: %v", errs[2])
	}
	for name, want := range map[string]bool{"before": false, "breaker": false, "after": true} {
		if got := stored(t, s, name); got != want {
			t.Errorf("%s stored: %v, want %v", name, got, want)
		}
	}
	// The holder, the lost group, and the one that ran again.
	if g := s.WriteStats().Groups - before.Groups; g != 3 {
		t.Errorf("%d groups, want 3", g)
	}
}

// TestGroupAlone: a caller that asks to be written alone gets a group of
// its own, without a SAVEPOINT, between the groups of those queued before
// and after it.
func TestGroupAlone(t *testing.T) {
	s := groupStore(t)
	before := s.WriteStats()
	errs := inGroups(t, s, []bool{false, false, true, false, false},
		account("a"), account("b"), func(ctx context.Context, tx *Store) error {
			if _, err := tx.idb.ExecContext(ctx, "ROLLBACK TO rounds_member"); err == nil || !strings.Contains(err.Error(), "no such savepoint") {
				return fmt.Errorf("ROLLBACK TO the member's savepoint: %v, want no such savepoint", err)
			}
			return account("alone")(ctx, tx)
		}, account("c"), account("d"))
	for i, err := range errs {
		if err != nil {
			t.Errorf("member %d: %v", i, err)
		}
	}
	for _, name := range []string{"a", "b", "alone", "c", "d"} {
		if !stored(t, s, name) {
			t.Errorf("%s not stored", name)
		}
	}
	// The holder, a and b, the lone caller, c and d.
	if g := s.WriteStats().Groups - before.Groups; g != 4 {
		t.Errorf("%d groups, want 4", g)
	}
}

// TestGroupOrder: a group runs its members in arrival order, each seeing
// the writes of those before it, and a member whose context ends while
// it waits leaves the queue without writing.
func TestGroupOrder(t *testing.T) {
	s := groupStore(t)
	var order []string
	var mu sync.Mutex
	note := func(name string) func(ctx context.Context, tx *Store) error {
		return func(ctx context.Context, tx *Store) error {
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
			return account(name)(ctx, tx)
		}
	}
	errs := inGroup(t, s, note("a"), note("b"), func(ctx context.Context, tx *Store) error {
		if _, err := tx.AccountByUsername(ctx, "b", ""); err != nil {
			return err // b's write, not committed yet, is seen
		}
		return note("c")(ctx, tx)
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("member %d: %v", i, err)
		}
	}
	if strings.Join(order, "") != "abc" {
		t.Errorf("order %v", order)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	g := newWriteGate(s.db)
	g.mu.Lock() // nobody writes: the caller waits until its context ends
	g.running = true
	g.mu.Unlock()
	if err := g.do(ctx, false, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("a caller whose context ended: %v", err)
	}
}

// TestWriteConnection: write transactions run on one kept connection,
// with the writer's page cache, while readers keep SQLite's default; a
// pool of one connection is not kept from its readers; Close and
// ReleaseWriteConnection give the connection up.
func TestWriteConnection(t *testing.T) {
	ctx := context.Background()
	cacheIn := func(t *testing.T, s *Store) (size int) {
		t.Helper()
		if err := s.InTx(ctx, func(ctx context.Context, tx *Store) error {
			return tx.idb.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&size)
		}); err != nil {
			t.Fatal(err)
		}
		return size
	}
	s := groupStore(t)
	if got := cacheIn(t, s); got != -writerCacheKiB {
		t.Errorf("the writer's cache_size is %d, want %d", got, -writerCacheKiB)
	}
	first := s.writer.conn
	if err := s.InTx(ctx, account("a")); err != nil {
		t.Fatal(err)
	}
	if s.writer.conn != first || first == nil {
		t.Error("a second write transaction did not use the kept connection")
	}
	var readers int
	if err := s.db.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&readers); err != nil || readers == -writerCacheKiB {
		t.Errorf("a reader's cache_size is %d (%v), want SQLite's default", readers, err)
	}
	s.ReleaseWriteConnection()
	if s.writer.conn != nil {
		t.Error("ReleaseWriteConnection kept the connection")
	}

	one, err := Open(ctx, Config{DSN: "sqlite:" + filepath.Join(t.TempDir(), "one.db"), MaxOpenConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	if _, err := one.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := one.InTx(ctx, account("b")); err != nil {
		t.Fatal(err)
	}
	if one.writer.conn != nil {
		t.Error("with a pool of one connection, the writer kept it")
	}
	readCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := one.AccountByUsername(readCtx, "b", ""); err != nil {
		t.Errorf("a read after a write, with a pool of one: %v", err)
	}
}
