package storage

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"
)

// The read cache keeps rows that every page of statuses reads for dozens
// of accounts and that rarely change (account rows, profile extras,
// professional profiles, verifications, counters, exclusive lists). It is
// invalidated by the writes this Store sends: a hook reads the table each
// INSERT, UPDATE or DELETE names and bumps the generation of every kind
// of entry that depends on that table, when the statement runs and again
// when its transaction ends, so that a reader who read the old row
// between the two cannot keep it. Writes made by another process (a
// second server on the same PostgreSQL, `rounds admin` while `serve`
// runs) are seen within the TTL. See docs/decisions/20261128-read-cache.md.

// DefaultReadCacheTTL is how long a cached row is believed when no write
// of this process has invalidated it.
const DefaultReadCacheTTL = 2 * time.Second

// readCacheMax bounds the entries of one kind; when a kind is full, about
// a tenth of it is dropped.
const readCacheMax = 20_000

// cacheKind is one kind of cached value.
type cacheKind int

// The kinds of cached values.
const (
	kindAccount cacheKind = iota
	kindStats
	kindExtras
	kindProfessional
	kindVerification
	kindExclusiveLists
	kindTies
	kindMutes
	kindFilters
	kindPreferences
	kindFollowRequests
	kindStatusFacts
	kindConversationMutes
	kindHomeHead
	numKinds
)

// numStamped counts the kinds a ReadStamp covers: those before
// kindStatusFacts. The facts of statuses and home feeds change with every
// post, favourite or boost, and what is derived from accounts (a
// rendered account, LoadIDs) must not be dropped for those.
const numStamped = kindStatusFacts

// everyKind lists every kind: what deleting an account changes.
var everyKind = func() []cacheKind {
	ks := make([]cacheKind, numKinds)
	for i := range ks {
		ks[i] = cacheKind(i)
	}
	return ks
}()

// cacheDeps names, for each table the cache cares about, the kinds a
// write to it invalidates. Deleting an account cascades to every row
// keyed by it, so accounts invalidates them all; follows feeds the
// counters through triggers.
var cacheDeps = map[string][]cacheKind{
	"accounts":                 everyKind,
	"users":                    everyKind, // deleting a user cascades to its account
	"account_stats":            {kindStats},
	"follows":                  {kindStats, kindTies},
	"follow_requests":          {kindTies, kindFollowRequests},
	"blocks":                   {kindTies},
	"mutes":                    {kindMutes},
	"filters":                  {kindFilters},
	"filter_keywords":          {kindFilters},
	"filter_statuses":          {kindFilters},
	"account_preferences":      {kindPreferences},
	"account_profiles":         {kindExtras},
	"media_attachments":        {kindExtras, kindStatusFacts}, // avatars and headers; a status's attachments
	"professional_profiles":    {kindProfessional},
	"credential_verifications": {kindVerification},
	"lists":                    {kindExclusiveLists},
	"list_accounts":            {kindExclusiveLists},
	// What StatusFactsOf reads: status_stats's counters are kept by
	// triggers on statuses, favourites, status_mentions, status_tags,
	// media_attachments and polls (TestCachedTablesDeps).
	"statuses":           {kindStatusFacts, kindHomeHead},
	"home_feed":          {kindHomeHead},
	"home_feed_pending":  {kindHomeHead},
	"status_stats":       {kindStatusFacts},
	"favourites":         {kindStatusFacts},
	"bookmarks":          {kindStatusFacts},
	"status_pins":        {kindStatusFacts},
	"status_mentions":    {kindStatusFacts},
	"status_tags":        {kindStatusFacts},
	"tags":               {kindStatusFacts},
	"polls":              {kindStatusFacts},
	"conversation_mutes": {kindConversationMutes},
}

// writeTargets calls fn with each table text writes and how: INSERT
// INTO t or INSERT OR <action> INTO t ('I'), UPDATE t ('U'), DELETE
// FROM t ('D'), quoted or not, anywhere in the text (CTEs), until fn
// returns false. It is a scanner
// rather than a regular expression because it runs after every write
// statement, and the expression's backtracking cost tens of
// microseconds on each (a job's claim, an inbox activity's statements).
func writeTargets(text string, fn func(verb byte, table string) bool) {
	for i := 0; i < len(text); {
		if !isWordByte(text[i]) || (i > 0 && isWordByte(text[i-1])) {
			i++
			continue
		}
		j := wordEnd(text, i)
		var next string // the word that must follow, if any
		w := text[i:j]
		switch {
		case strings.EqualFold(w, "INSERT"):
			next = "INTO"
		case strings.EqualFold(w, "DELETE"):
			next = "FROM"
		case strings.EqualFold(w, "UPDATE"):
		default:
			i = j
			continue
		}
		k := j
		if next != "" {
			if k = skipSpace(text, k); k == j {
				i = j
				continue
			}
			e := wordEnd(text, k)
			if w[0]|0x20 == 'i' && strings.EqualFold(text[k:e], "OR") {
				// SQLite's INSERT OR IGNORE (REPLACE, ...) INTO.
				k = skipSpace(text, wordEnd(text, skipSpace(text, e)))
				e = wordEnd(text, k)
			}
			if !strings.EqualFold(text[k:e], next) {
				i = j
				continue
			}
			j, k = e, e
		}
		if k = skipSpace(text, k); k == j {
			i = j
			continue
		}
		if k < len(text) && text[k] == '"' {
			k++
		}
		e := k
		for e < len(text) && (text[e] == '_' || 'a' <= text[e]|0x20 && text[e]|0x20 <= 'z') {
			e++
		}
		if e > k && !fn(w[0]&^0x20, text[k:e]) {
			return
		}
		i = max(e, j)
	}
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'z'
}

func wordEnd(text string, i int) int {
	for i < len(text) && isWordByte(text[i]) {
		i++
	}
	return i
}

func skipSpace(text string, i int) int {
	for i < len(text) && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r' || text[i] == '\f') {
		i++
	}
	return i
}

// readCache holds the entries of every kind.
type readCache struct {
	ttl   time.Duration
	now   func() time.Time
	kinds [numKinds]kindCache
	// statuses keeps status rows by ID (statuscache.go), outside the
	// kinds: ReadStamp does not depend on it.
	statuses statusCache
}

// kindCache is the entries of one kind and their generation.
type kindCache struct {
	gen atomic.Uint64
	mu  sync.RWMutex
	// owners holds the entries by owner, then by ID: the owner is 0 for
	// a row's own values, the viewer for values that are one account's
	// view of others (ties, the facts of statuses). Two levels rather
	// than one map keyed by the pair: a page's lookups then fall in one
	// small map, with the runtime's fast path for int64 keys (about a
	// fifth less CPU for a home page's lookups in the profiles).
	owners map[int64]map[int64]cacheEntry
	// size counts the entries of every owner.
	size int
}

// cacheEntry is one cached value; ok is false for "no row".
type cacheEntry struct {
	val     any
	ok      bool
	gen     uint64
	expires time.Time
}

// newReadCache returns a cache; a negative ttl turns it off (nil).
// statusBytes bounds its status rows (0: DefaultStatusCacheBytes;
// negative: none kept).
func newReadCache(ttl time.Duration, statusBytes int) *readCache {
	if ttl < 0 {
		return nil
	}
	if ttl == 0 {
		ttl = DefaultReadCacheTTL
	}
	c := &readCache{ttl: ttl, now: time.Now}
	for i := range c.kinds {
		c.kinds[i].owners = map[int64]map[int64]cacheEntry{}
	}
	if statusBytes == 0 {
		statusBytes = DefaultStatusCacheBytes
	}
	c.statuses.limit = max(statusBytes, 0)
	c.statuses.rows = map[int64]*statusEntry{}
	return c
}

// writes is what a statement's writes invalidate: the kinds of the read
// cache, and whether it may change a row of statuses that exists (then
// the status cache's generation is bumped: statuscache.go).
func writes(query string) (kinds []cacheKind, statuses bool) {
	head := strings.TrimLeft(query, " \t\r\n(")
	if len(head) < 6 {
		return nil, false
	}
	switch strings.ToUpper(head[:6]) {
	case "SELECT", "BEGIN", "COMMIT", "ROLLBA", "SAVEPO", "RELEAS", "PRAGMA", "ANALYZ":
		return nil, false
	case "ALTER ", "DROP T", "TRUNCA", "REPLAC":
		// Schema changes and SQLite's REPLACE, which writeTargets does
		// not see, are taken to change statuses' rows.
		statuses = true
	case "INSERT":
		// So is SQLite's INSERT OR REPLACE, which deletes the row it
		// replaces: the code sends none. (INSERT OR IGNORE, ABORT, FAIL
		// or ROLLBACK leaves an existing row as it is.)
		statuses = insertOrReplace(head)
	}
	// A plain INSERT, UPDATE or DELETE writes only the table it names
	// first (its subqueries read; ON CONFLICT updates the same table), so
	// only its head is read: statements can be long (job arguments,
	// bulk inserts). A WITH may write anywhere in its text.
	if !strings.EqualFold(head[:4], "WITH") {
		writeTargets(head[:min(len(head), 128)], func(verb byte, table string) bool {
			kinds = cacheDeps[strings.ToLower(table)]
			statuses = statuses || changesStatuses(verb, table, query)
			return false
		})
		return kinds, statuses
	}
	writeTargets(query, func(verb byte, table string) bool {
		kinds = append(kinds, cacheDeps[strings.ToLower(table)]...)
		statuses = statuses || changesStatuses(verb, table, query)
		return true
	})
	return kinds, statuses
}

// txWrites collects the kinds a transaction's statements invalidate, to
// invalidate them again once it has ended.
type txWrites struct {
	mu       sync.Mutex
	kinds    map[cacheKind]bool
	statuses bool
}

type txWritesKey struct{}

// cacheHook is the bun query hook that invalidates the cache.
type cacheHook struct{ c *readCache }

func (h cacheHook) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (h cacheHook) AfterQuery(ctx context.Context, e *bun.QueryEvent) {
	kinds, statuses := writes(e.Query)
	if len(kinds) == 0 && !statuses {
		return
	}
	for _, k := range kinds {
		h.c.kinds[k].gen.Add(1)
	}
	if statuses {
		h.c.statuses.gen.Add(1)
	}
	if w, ok := ctx.Value(txWritesKey{}).(*txWrites); ok {
		w.mu.Lock()
		for _, k := range kinds {
			w.kinds[k] = true
		}
		w.statuses = w.statuses || statuses
		w.mu.Unlock()
	}
}

// ended invalidates what a transaction wrote, after its commit or
// rollback.
func (c *readCache) ended(w *txWrites) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for k := range w.kinds {
		c.kinds[k].gen.Add(1)
	}
	if w.statuses {
		c.statuses.gen.Add(1)
	}
}

// cachedByID answers ids from the cache of kind where it can and loads
// the rest through load, caching what it read (absent rows too). clone
// copies a cached value for the caller, who may change it. Inside a
// transaction, or with the cache off, it is load.
func cachedByID[T any](ctx context.Context, s *Store, kind cacheKind, ids []int64, load func(context.Context, []int64) (map[int64]T, error), clone func(T) T) (map[int64]T, error) {
	return cachedFor(ctx, s, kind, 0, ids, load, clone)
}

// cachedOne is cachedByID for one owner's single value.
func cachedOne[T any](ctx context.Context, s *Store, kind cacheKind, owner int64, load func(context.Context) (T, error), clone func(T) T) (T, error) {
	m, err := cachedFor(ctx, s, kind, owner, []int64{0}, func(ctx context.Context, _ []int64) (map[int64]T, error) {
		v, err := load(ctx)
		if err != nil {
			return nil, err
		}
		return map[int64]T{0: v}, nil
	}, clone)
	if err != nil {
		var zero T
		return zero, err
	}
	return m[0], nil
}

// cachedFor is cachedByID for values of owner's (0 for none) about ids.
func cachedFor[T any](ctx context.Context, s *Store, kind cacheKind, owner int64, ids []int64, load func(context.Context, []int64) (map[int64]T, error), clone func(T) T) (map[int64]T, error) {
	c := s.cache
	if c == nil || s.inTx() || len(ids) == 0 {
		return load(ctx, ids)
	}
	out := make(map[int64]T, len(ids))
	if err := cachedEach(ctx, s, kind, owner, ids, load, clone, func(id int64, v T) { out[id] = v }); err != nil {
		return nil, err
	}
	return out, nil
}

// cachedEach is cachedFor handing each value found to found rather than
// building a map, for callers that spread a page's values into their
// own structures at once. found may run with the kind's lock held: it
// must not use the cache.
func cachedEach[T any](ctx context.Context, s *Store, kind cacheKind, owner int64, ids []int64, load func(context.Context, []int64) (map[int64]T, error), clone func(T) T, found func(int64, T)) error {
	c := s.cache
	if c == nil || s.inTx() || len(ids) == 0 {
		loaded, err := load(ctx, ids)
		for id, v := range loaded {
			found(id, v)
		}
		return err
	}
	kc := &c.kinds[kind]
	now := c.now()
	gen := kc.gen.Load()
	var miss []int64
	kc.mu.RLock()
	mine := kc.owners[owner]
	for _, id := range ids {
		e, ok := mine[id]
		if !ok || e.gen != gen || now.After(e.expires) {
			miss = append(miss, id)
			continue
		}
		if e.ok {
			found(id, clone(e.val.(T)))
		}
	}
	kc.mu.RUnlock()
	if len(miss) == 0 {
		return nil
	}
	loaded, err := load(ctx, miss)
	if err != nil {
		return err
	}
	// What was read is kept only if nothing that could change it was
	// written meanwhile.
	keep := kc.gen.Load() == gen
	if keep {
		kc.mu.Lock()
		if kc.size+len(miss) > readCacheMax {
			kc.drop(kc.size / 10)
		}
		if mine = kc.owners[owner]; mine == nil {
			mine = make(map[int64]cacheEntry, len(miss))
			kc.owners[owner] = mine
		}
	}
	// Entries expire at the end of the current TTL window, not TTL after
	// each load: a page reads dozens of entries loaded at different
	// moments, and staggered expiries would make nearly every page miss
	// one of them. The bound on staleness is the same.
	expires := now.Truncate(c.ttl).Add(c.ttl)
	for _, id := range miss {
		v, ok := loaded[id]
		if ok {
			found(id, v)
		}
		if keep {
			var stored any
			if ok {
				stored = clone(v)
			}
			if _, had := mine[id]; !had {
				kc.size++
			}
			mine[id] = cacheEntry{val: stored, ok: ok, gen: gen, expires: expires}
		}
	}
	if keep {
		kc.mu.Unlock()
	}
	return nil
}

// drop removes about n entries, whole owners at a time where they hold
// fewer (kc.mu held for writing).
func (kc *kindCache) drop(n int) {
	for o, m := range kc.owners {
		if n <= 0 {
			return
		}
		if len(m) <= n {
			n -= len(m)
			kc.size -= len(m)
			delete(kc.owners, o)
			continue
		}
		for id := range m {
			if n <= 0 {
				return
			}
			delete(m, id)
			kc.size--
			n--
		}
	}
}

// inTx reports whether s is bound to a transaction, whose reads may see
// its own uncommitted writes and must not be cached.
func (s *Store) inTx() bool {
	_, ok := s.idb.(bun.Tx)
	return ok
}

// same returns v (for values that are not shared through pointers).
func same[T any](v T) T { return v }

// copyOf returns a pointer to a shallow copy of *v.
func copyOf[T any](v *T) *T {
	c := *v
	return &c
}

// ReadStamp marks what the read cache believed at one moment, so that a
// value computed from cached reads (a rendered answer) can be kept
// exactly as long as those reads could be: until this process writes a
// table the stamped kinds depend on (all but the facts of statuses:
// numStamped), or the TTL window the reads were made in ends. Take the
// stamp before the reads.
type ReadStamp struct {
	gens    [numStamped]uint64
	expires time.Time
}

// ReadStamp returns a stamp of the read cache now. ok is false when no
// derived value may be kept: the cache is off, or s is bound to a
// transaction (whose reads are never cached).
func (s *Store) ReadStamp() (st ReadStamp, ok bool) {
	c := s.cache
	if c == nil || s.inTx() {
		return ReadStamp{}, false
	}
	// Generations first: a write after them makes the stamp stale.
	for i := range st.gens {
		st.gens[i] = c.kinds[i].gen.Load()
	}
	st.expires = c.now().Truncate(c.ttl).Add(c.ttl)
	return st, true
}

// Current reports whether a value derived from cached reads made after
// st was taken is still as fresh as the cache itself: no write of this
// process since could have changed what was read, and the TTL window has
// not ended.
func (s *Store) Current(st ReadStamp) bool {
	c := s.cache
	if c == nil || !c.now().Before(st.expires) {
		return false
	}
	for i := range st.gens {
		if c.kinds[i].gen.Load() != st.gens[i] {
			return false
		}
	}
	return true
}

// Equal reports whether st and o mark the same state of the read cache:
// the same generations in the same TTL window. Two stamps taken with no
// write between them in one window are equal.
func (st ReadStamp) Equal(o ReadStamp) bool {
	return st.gens == o.gens && st.expires.Equal(o.expires)
}
