package profile

import (
	"sync"

	"github.com/rounds-md/rounds/storage"
)

// loadedMax bounds the accounts kept; when full, the cache is emptied (a
// miss costs the read cache's lookups).
const loadedMax = 10_000

// loaded keeps the accounts LoadIDs assembled (row, counters, extras and
// card), so that a page does not look each of them up in four kinds of
// the storage read cache and copy them again. Every entry was read after
// stamp was taken, and is served only to a caller whose own stamp, taken
// before it looks, is the same: no write this process made since could
// have changed what was read, and the read cache's TTL window is the
// same one. So it is never staler than the read cache itself. An entry
// whose stamp has passed is dropped with all the others by the first
// caller holding a newer stamp.
type loaded struct {
	store *storage.Store

	mu      sync.RWMutex
	stamp   storage.ReadStamp
	entries map[int64]loadedEntry
}

// loadedEntry is one account as LoadIDs returns it; shown is false for an
// ID that is absent or not shown (suspended, the instance actor).
type loadedEntry struct {
	acct  Account
	shown bool
}

// get fills out with the entries of ids kept under st and returns the
// other ids.
func (c *loaded) get(st storage.ReadStamp, ids []int64, out map[int64]Account) (miss []int64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.entries == nil || !c.stamp.Equal(st) {
		return ids
	}
	for _, id := range ids {
		e, ok := c.entries[id]
		switch {
		case !ok:
			miss = append(miss, id)
		case e.shown:
			out[id] = e.acct
		}
	}
	return miss
}

// put keeps what was read for ids after st was taken (found holds the
// shown ones), unless the cache has moved to a newer stamp meanwhile.
func (c *loaded) put(st storage.ReadStamp, ids []int64, found map[int64]Account) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || !c.stamp.Equal(st) {
		if c.entries != nil && c.store.Current(c.stamp) {
			return // st has passed: a newer reader got here first
		}
		c.stamp, c.entries = st, make(map[int64]loadedEntry, len(ids))
	}
	if len(c.entries)+len(ids) > loadedMax {
		clear(c.entries)
	}
	for _, id := range ids {
		a, ok := found[id]
		c.entries[id] = loadedEntry{acct: a, shown: ok}
	}
}
