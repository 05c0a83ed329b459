package storage

import (
	"context"
	"testing"
	"time"
)

// TestReadCacheBound: one kind never holds more than readCacheMax
// entries, however they spread over owners, its count stays exact, and
// what was just loaded is answered from the cache.
func TestReadCacheBound(t *testing.T) {
	ctx := context.Background()
	s := &Store{cache: newReadCache(time.Hour, -1)}
	loads := 0
	load := func(_ context.Context, ids []int64) (map[int64]int64, error) {
		loads++
		out := make(map[int64]int64, len(ids))
		for _, id := range ids {
			out[id] = id * 2
		}
		return out, nil
	}
	kc := &s.cache.kinds[kindStatusFacts]
	for owner := int64(0); owner < 300; owner++ {
		ids := make([]int64, 100+owner%7)
		for i := range ids {
			ids[i] = owner*1000 + int64(i)
		}
		before := loads
		for range 2 {
			got, err := cachedFor(ctx, s, kindStatusFacts, owner, ids, load, same[int64])
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(ids) || got[ids[3]] != ids[3]*2 {
				t.Fatalf("owner %d: %d values, %d for %d", owner, len(got), got[ids[3]], ids[3])
			}
		}
		if loads != before+1 {
			t.Fatalf("owner %d: %d loads for two reads, want 1", owner, loads-before)
		}
		n := 0
		for _, m := range kc.owners {
			n += len(m)
		}
		if n != kc.size || kc.size > readCacheMax {
			t.Fatalf("owner %d: %d entries counted as %d (bound %d)", owner, n, kc.size, readCacheMax)
		}
	}
}

// TestWindowEnd: an entry expires after its load by at most the TTL and
// later than the load; the stamped kinds share one window; the viewers'
// kinds are spread over the window by viewer.
func TestWindowEnd(t *testing.T) {
	c := newReadCache(2*time.Second, -1)
	base := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	ends := map[time.Time]bool{}
	for owner := int64(1); owner <= 200; owner++ {
		for step := range 50 {
			now := base.Add(time.Duration(step) * 97 * time.Millisecond)
			for _, kind := range []cacheKind{kindTies, kindStatusFacts} {
				end := c.windowEnd(now, kind, owner)
				if !end.After(now) || end.Sub(now) > c.ttl {
					t.Fatalf("kind %d, owner %d, loaded at %v: expires at %v", kind, owner, now, end)
				}
				if kind == kindTies && !end.Equal(now.Truncate(c.ttl).Add(c.ttl)) {
					t.Fatalf("a stamped kind's window is not the shared one: %v", end)
				}
			}
		}
		ends[c.windowEnd(base, kindStatusFacts, owner)] = true
	}
	if len(ends) < 100 {
		t.Errorf("200 viewers' entries loaded at one moment expire at %d moments, want them spread", len(ends))
	}
}
