package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestAccountStatsOf reads the counters of several accounts at once: the
// statuses and the time of the newest, the follows both ways, and nothing
// for an account without a row.
func TestAccountStatsOf(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		accts := anaBenCyRem(t, ctx, s)
		ana, ben, cy := accts["ana"].ID, accts["ben"].ID, accts["cy"].ID
		if err := s.UpsertFollow(ctx, &storage.Follow{AccountID: ben, TargetAccountID: ana}); err != nil {
			t.Fatal(err)
		}
		before := time.Now().UTC().Add(-time.Second)
		postPublic(t, ctx, s, ana, "one", storage.NewStatus{})
		postPublic(t, ctx, s, ana, "two", storage.NewStatus{})
		stats, err := s.AccountStatsOf(ctx, []int64{ana, ben, cy, 424242})
		if err != nil {
			t.Fatal(err)
		}
		a := stats[ana]
		if a.Statuses != 2 || a.Followers != 1 || a.Following != 0 || a.LastStatusAt == nil ||
			a.LastStatusAt.Before(before) || a.LastStatusAt.After(time.Now().Add(time.Second)) || a.LastStatusAt.Location() != time.UTC {
			t.Errorf("ana: %+v (last status at %v), want 2 statuses, 1 follower, the last status now in UTC", a, a.LastStatusAt)
		}
		if b := stats[ben]; b.Statuses != 0 || b.Following != 1 || b.LastStatusAt != nil {
			t.Errorf("ben: %+v, want following 1 and no status", b)
		}
		if _, ok := stats[424242]; ok {
			t.Error("an unknown account has counters")
		}
	})
}
