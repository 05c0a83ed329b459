package mastodon

import (
	"sync"

	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// accountCacheMax bounds the rendered Accounts kept (an entry also keeps
// the rows it was built from alive); when it is full the cache is
// emptied (a miss costs one render).
const accountCacheMax = 4096

// accountCache keeps the Account entities rendered inside lists of
// statuses, notifications and accounts (viewFor), per account and per
// Sight: what the viewer may see of its professional profile, which
// credential.See decides on every request from the viewer's current ties
// and verification, with the rule that filters the fields. So a page does
// not build the same author's entity again for every reader in the same
// audience; the cache only skips building, never deciding.
//
// An entry is served only for the very inputs it was built from: the
// same account row, extras and card (the same pointers: profile.LoadIDs
// shares them, unchanged, only while the read cache's stamp holds; every
// other load makes new ones) and the same counters. Whatever changes them
// (a profile edit, an audience narrowed, a verification revoked, a
// suspension, a new post) gives the next page new values, which miss. So
// an entry is never staler than the rows the page was built from, and a
// viewer whose ties changed has another Sight, which misses too. The
// entity is shared by the answers it is served in: nothing may change it
// after rendering.
type accountCache struct {
	mu      sync.RWMutex
	entries map[accountKey]*accountEntry
}

// accountKey names one rendering: an account as a Sight lets it be seen.
type accountKey struct {
	id    int64
	sight credential.Sight
}

// accountEntry is one rendered Account and what it was built from.
type accountEntry struct {
	acct   *storage.Account
	extras *storage.AccountProfile
	card   *credential.Card
	stats  storage.AccountStats
	out    Account
}

func newAccountCache() *accountCache {
	return &accountCache{entries: map[accountKey]*accountEntry{}}
}

// from reports whether e was built from a.
func (e *accountEntry) from(a *profile.Account) bool {
	return e.acct == a.Account && e.extras == a.Extras && e.card == a.Card && e.stats == a.Stats
}

// accountView renders the accounts of one answer for its viewer, through
// the cache.
type accountView struct {
	h *Handler
	v credential.Viewer
}

// render returns a rendered as v may see it. The returned entity is
// shared with other answers, as are its slices and pointers: never
// change them.
func (r accountView) render(a profile.Account) *Account {
	var sight credential.Sight
	if a.Card != nil {
		sight = credential.See(a.Card, r.v)
	}
	c, key := r.h.accountViews, accountKey{a.ID, sight}
	c.mu.RLock()
	e, ok := c.entries[key]
	c.mu.RUnlock()
	if ok && e.from(&a) {
		return &e.out
	}
	e = &accountEntry{acct: a.Account, extras: a.Extras, card: a.Card, stats: a.Stats, out: r.h.accountAs(a, r.v)}
	// Encoded once here, for every status of every page it is shown in;
	// if it cannot be, the statuses encode it themselves (and fail).
	if b, err := jsonbody.Marshal(&e.out); err == nil {
		e.out.encoded = b
	}
	c.mu.Lock()
	if len(c.entries) >= accountCacheMax {
		clear(c.entries)
	}
	c.entries[key] = e
	c.mu.Unlock()
	return &e.out
}
