package oauth

import (
	"crypto/sha256"
	"sync"
	"time"

	"github.com/rounds-md/rounds/storage"
)

// DefaultTokenCacheTTL is how long a resolved access token is trusted
// without asking the database again (Config.TokenCacheTTL).
const DefaultTokenCacheTTL = 2 * time.Second

// maxCachedGrants bounds the grant cache; when it is full of live entries
// it is emptied (a miss costs one query, no more).
const maxCachedGrants = 4096

// grantCache keeps recently resolved grants by token hash (the SHA-256
// sum, as bytes: the hex form stored is only built on a miss) for a short
// time, so that a client making many requests is looked up once per TTL
// rather than once per request. It lives in one process: revocations and
// suspensions made in this process empty it at once (Forget); those made
// by another process (the admin CLI, another server behind the same
// database) are seen after at most the TTL.
type grantCache struct {
	ttl time.Duration

	mu      sync.Mutex
	entries map[[sha256.Size]byte]cachedGrant
	// gen counts Forget calls; a lookup that began before one must not
	// store what it read (it may be the grant just revoked).
	gen uint64
}

type cachedGrant struct {
	grant   *Grant
	expires time.Time
}

// newGrantCache returns a cache keeping grants for ttl; nil (no caching)
// when ttl is not positive.
func newGrantCache(ttl time.Duration) *grantCache {
	if ttl <= 0 {
		return nil
	}
	return &grantCache{ttl: ttl, entries: map[[sha256.Size]byte]cachedGrant{}}
}

// get returns a copy of the live grant cached for hash, and the
// generation to pass to put after a miss.
func (c *grantCache) get(hash [sha256.Size]byte, now time.Time) (*Grant, uint64) {
	if c == nil {
		return nil, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if ok && now.Before(e.expires) {
		return e.grant.clone(), c.gen
	}
	return nil, c.gen
}

// put caches g for hash unless Forget was called since the lookup that
// produced it began (generation gen).
func (c *grantCache) put(hash [sha256.Size]byte, g *Grant, gen uint64, now time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if len(c.entries) >= maxCachedGrants {
		for h, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, h)
			}
		}
		if len(c.entries) >= maxCachedGrants {
			clear(c.entries)
		}
	}
	c.entries[hash] = cachedGrant{grant: g.clone(), expires: now.Add(c.ttl)}
}

// forget empties the cache.
func (c *grantCache) forget() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.entries)
}

// grantCopy holds a Grant and copies of the rows it points to in one
// allocation (a cache hit is made on every authenticated request).
type grantCopy struct {
	grant   Grant
	token   storage.OAuthToken
	app     storage.OAuthApp
	user    storage.User
	account storage.Account
	scopes  [8]string
}

// clone copies a grant and the rows it points to, so that a request may
// not change what another request sees.
func (g *Grant) clone() *Grant {
	c := &grantCopy{grant: *g}
	out := &c.grant
	if g.Token != nil {
		c.token = *g.Token
		out.Token = &c.token
	}
	if g.App != nil {
		c.app = *g.App
		out.App = &c.app
	}
	if g.User != nil {
		c.user = *g.User
		out.User = &c.user
	}
	if g.Account != nil {
		c.account = *g.Account
		out.Account = &c.account
	}
	if len(g.Scopes) <= len(c.scopes) {
		out.Scopes = Scopes(c.scopes[:len(g.Scopes):len(g.Scopes)])
		copy(out.Scopes, g.Scopes)
	} else {
		out.Scopes = append(Scopes(nil), g.Scopes...)
	}
	return out
}

// ForgetGrants makes every access token be looked up again on its next
// use. The Service calls it itself when it revokes a token; call it when
// an account stops being allowed to act (suspension), as web.New arranges
// with account.Service.OnSuspend.
func (s *Service) ForgetGrants() { s.grants.forget() }
