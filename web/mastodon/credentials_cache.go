package mastodon

import (
	"sync"

	"github.com/rounds-md/rounds/storage"
)

// credentialCacheMax bounds the rendered CredentialAccounts kept; when it
// is full the cache is emptied (a miss costs one render).
const credentialCacheMax = 10_000

// credentialCache keeps each account's rendered CredentialAccount (the
// JSON verify_credentials answers), so that a client asking again does
// not have it loaded, built and encoded again. Everything it is built
// from comes from the storage read cache (the account, its counters,
// avatar, fields, professional profile and verifications, preferences,
// pending follow requests, its ties to itself) or from the request's
// grant (the user's role, part of the key). An entry carries the read
// cache's stamp taken before the reads, and is served only while
// storage.Store.Current says that stamp holds: no write this process
// made since could have changed what was read, and the read cache's TTL
// window has not ended. So it is never staler than the read cache
// itself.
type credentialCache struct {
	store *storage.Store

	mu      sync.RWMutex
	entries map[int64]credentialEntry
}

// credentialEntry is one account's rendered CredentialAccount.
type credentialEntry struct {
	stamp storage.ReadStamp
	role  string
	body  []byte
}

func newCredentialCache(store *storage.Store) *credentialCache {
	return &credentialCache{store: store, entries: map[int64]credentialEntry{}}
}

// get returns the body cached for account id rendered for role, if it is
// still current.
func (c *credentialCache) get(id int64, role string) ([]byte, bool) {
	c.mu.RLock()
	e, ok := c.entries[id]
	c.mu.RUnlock()
	if !ok || e.role != role || !c.store.Current(e.stamp) {
		return nil, false
	}
	return e.body, true
}

// put keeps body, rendered for account id and role from reads made after
// stamp was taken.
func (c *credentialCache) put(id int64, role string, stamp storage.ReadStamp, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= credentialCacheMax {
		clear(c.entries)
	}
	c.entries[id] = credentialEntry{stamp: stamp, role: role, body: body}
}
