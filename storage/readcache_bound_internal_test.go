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
