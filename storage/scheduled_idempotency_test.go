package storage_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/rounds-md/rounds/storage"
)

// scheduledIdempotency is the migration that keeps an Idempotency-Key's
// hash on scheduled statuses.
const scheduledIdempotency = "20261204010000"

// TestScheduledIdempotencyMigration applies the migration over a
// scheduled status (kept, without a key), then checks that a key is
// unique per account while set, and that the migration goes down and up
// again keeping the rows.
func TestScheduledIdempotencyMigration(t *testing.T) {
	eachFresh(t, func(t *testing.T, _ storage.Config, s *storage.Store) {
		ctx := context.Background()
		migrator, self := migrateBefore(t, s, scheduledIdempotency)
		ids := newLocals(t, ctx, s, "alice", "bob")
		alice, bob := ids["alice"], ids["bob"]
		insert := func(id, account int64, key string) error {
			cols, vals := "", ""
			if key != "" {
				cols, vals = ", idempotency_key_hash", ", '"+key+"'"
			}
			_, err := s.DB().ExecContext(ctx, fmt.Sprintf(`INSERT INTO scheduled_statuses
				(id, account_id, scheduled_at, revision, params, created_at, updated_at%s)
				VALUES (%d, %d, '2026-12-01 12:00:00+00', 0, '{}', '2026-11-28 12:00:00+00', '2026-11-28 12:00:00+00'%s)`,
				cols, id, account, vals))
			return err
		}
		count := func() (n int) {
			t.Helper()
			if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM scheduled_statuses`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if err := insert(1, alice, ""); err != nil {
			t.Fatal(err)
		}
		if err := self.Up(ctx, migrator, &self); err != nil {
			t.Fatal(err)
		}
		var key *string
		if err := s.DB().QueryRowContext(ctx, `SELECT idempotency_key_hash FROM scheduled_statuses WHERE id = 1`).Scan(&key); err != nil || key != nil {
			t.Fatalf("the old row's key = %v (%v), want NULL", key, err)
		}
		for _, tc := range []struct {
			id, account int64
			key         string
			ok          bool
		}{
			{2, alice, "k1", true},
			{3, alice, "k1", false}, // the same key, the same account
			{4, bob, "k1", true},
			{5, alice, "k2", true},
			{6, alice, "", true}, // keys left unset never collide
		} {
			if err := insert(tc.id, tc.account, tc.key); (err == nil) != tc.ok {
				t.Errorf("row %d (account %d, key %q): err %v, want ok %v", tc.id, tc.account, tc.key, err, tc.ok)
			}
		}
		if err := self.Down(ctx, migrator, &self); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().ExecContext(ctx, `SELECT idempotency_key_hash FROM scheduled_statuses`); err == nil {
			t.Error("the column is still there after down")
		}
		if n := count(); n != 5 {
			t.Errorf("%d rows after down, want 5", n)
		}
		if err := self.Up(ctx, migrator, &self); err != nil {
			t.Fatalf("up after down: %v", err)
		}
		if n := count(); n != 5 {
			t.Errorf("%d rows after up again, want 5", n)
		}
	})
}
