package storage_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

func TestIDGenIncreases(t *testing.T) {
	base := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		times []time.Time
	}{
		{"same millisecond", []time.Time{base, base, base, base}},
		{"time moving on", []time.Time{base, base.Add(time.Millisecond), base.Add(time.Second), base.Add(time.Hour)}},
		{"clock stepping back", []time.Time{base.Add(time.Second), base, base.Add(-time.Hour), base.Add(time.Millisecond)}},
		{"many in one millisecond", repeat(base, 70000)}, // more than the 16-bit sequence holds
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := storage.NewIDGen()
			prev := int64(0)
			for i, at := range tc.times {
				id := g.Next(at)
				if id <= prev {
					t.Fatalf("ID %d for %v is not above the previous %d (step %d)", id, at, prev, i)
				}
				prev = id
			}
		})
	}
}

func repeat(t time.Time, n int) []time.Time {
	out := make([]time.Time, n)
	for i := range out {
		out[i] = t
	}
	return out
}

func TestIDsSortByTime(t *testing.T) {
	base := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	g := storage.NewIDGen()
	early := g.Next(base)
	late := storage.NewIDGen().Next(base.Add(time.Millisecond)) // another process, a millisecond on
	if late <= early {
		t.Errorf("an ID made a millisecond later by another generator (%d) sorts before %d", late, early)
	}
	// IDAt is a paging cursor: every ID made at or after t is at least IDAt(t).
	if id := storage.NewIDGen().Next(base); id < storage.IDAt(base) || id >= storage.IDAt(base.Add(time.Millisecond)) {
		t.Errorf("ID %d made at %v is outside [IDAt(t), IDAt(t+1ms)) = [%d, %d)", id, base, storage.IDAt(base), storage.IDAt(base.Add(time.Millisecond)))
	}
	// Mastodon-sized: 48 bits of milliseconds over 16 bits of sequence,
	// positive in an int64 and in JavaScript's safe integers as a string.
	if id := storage.IDAt(base); id>>16 != base.UnixMilli() || id <= 0 {
		t.Errorf("IDAt(%v) = %d, want the milliseconds shifted by 16", base, id)
	}
}

func TestIDGenConcurrent(t *testing.T) {
	g := storage.NewIDGen()
	const workers, each = 8, 2000
	ids := make(chan int64, workers*each)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				ids <- g.Next(time.Now())
			}
		}()
	}
	wg.Wait()
	close(ids)
	seen := map[int64]bool{}
	for id := range ids {
		if seen[id] {
			t.Fatalf("ID %d handed out twice", id)
		}
		seen[id] = true
	}
}

// TestStoredIDsIncrease checks that rows created one after another get
// increasing IDs on each database, so ID order is creation order.
func TestStoredIDsIncrease(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		prev := int64(0)
		for _, name := range []string{"a", "b", "c", "d", "e"} {
			_, a, err := newLocal(ctx, s, name, name+"@example.org")
			if err != nil {
				t.Fatal(err)
			}
			if a.ID <= prev {
				t.Errorf("account %s got ID %d, not above %d", name, a.ID, prev)
			}
			prev = a.ID
			if got, err := s.AccountByID(ctx, a.ID); err != nil || got.ID != a.ID {
				t.Errorf("ID %d does not round-trip: %v", a.ID, err)
			}
		}
		if id := s.NewID(); id <= prev {
			t.Errorf("NewID %d is not above the last stored %d", id, prev)
		}
	})
}
