package storage

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The status cache keeps rows of statuses by ID, so that a page of a feed
// reads only its IDs from the database and takes the rows it already
// knows from memory: reading a row's twenty columns cost more than
// finding it (docs/performance.md, session 6). It follows the read
// cache's rules (readcache.go) with one generation for every row: any
// statement of this Store that may change a row that exists (an UPDATE or
// DELETE of statuses, an INSERT into it that may update on conflict, a
// DELETE of accounts, which cascades, a schema change) bumps it when it
// runs and again when its transaction ends; INSERTs of new rows do not,
// since they change no row a reader could hold. Rows read inside a
// transaction are never kept, nor is the absence of a row; other
// processes' writes are seen within the read cache's TTL. Callers get
// copies whose pointers are their own. Every visibility decision is made
// by the callers on each read, as before: a cached row is the row, not a
// decision. See docs/decisions/20261201-status-row-cache.md.

// DefaultStatusCacheBytes bounds the status cache's estimate of its size.
const DefaultStatusCacheBytes = 16 << 20

// statusRowOverhead estimates a cached row's bytes besides its strings:
// the Status, its map slot and its pointed-to values.
const statusRowOverhead = 448

// statusCache holds status rows by ID.
type statusCache struct {
	gen   atomic.Uint64
	limit int // bytes; 0 turns the cache off
	mu    sync.RWMutex
	// rows point to their entries, each its own allocation, never
	// changed once stored (keep replaces it): a map of the entries
	// themselves, over 300 bytes a slot, made each page's forty lookups
	// walk memory that many times wider.
	rows map[int64]*statusEntry
	size int
}

// statusEntry is one cached row: its pointers are the cache's own.
type statusEntry struct {
	st      Status
	gen     uint64
	expires time.Time
}

// changesStatuses reports whether a statement's write of verb ('I', 'U',
// 'D') to table may change or remove a row of statuses that exists.
func changesStatuses(verb byte, table, query string) bool {
	switch {
	case strings.EqualFold(table, "statuses"):
		// An INSERT that may update on conflict is taken as an update.
		return verb != 'I' || hasWord(query, "UPDATE")
	case strings.EqualFold(table, "accounts"):
		return verb == 'D' // statuses.account_id cascades
	}
	return false
}

// insertOrReplace reports whether an INSERT is SQLite's INSERT OR
// REPLACE.
func insertOrReplace(head string) bool {
	k := skipSpace(head, len("INSERT"))
	if k+3 > len(head) || !strings.EqualFold(head[k:k+2], "OR") || isWordByte(head[k+2]) {
		return false
	}
	k = skipSpace(head, k+2)
	return strings.EqualFold(head[k:wordEnd(head, k)], "REPLACE")
}

// hasWord reports whether s holds word, in any case, as a word (not
// updated_at for UPDATE).
func hasWord(s, word string) bool {
	for i := 0; i+len(word) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(word)], word) && (i == 0 || !isWordByte(s[i-1])) &&
			(i+len(word) == len(s) || !isWordByte(s[i+len(word)])) {
			return true
		}
	}
	return false
}

// statusRows returns the status cache, nil when it may not be used: off,
// or s is bound to a transaction.
func (s *Store) statusRows() *statusCache {
	if s.cache == nil || s.cache.statuses.limit <= 0 || s.inTx() {
		return nil
	}
	return &s.cache.statuses
}

// statusesInOrder returns the undeleted statuses with ids, in the order
// of ids, taking what the cache knows from it and reading the rest in one
// statement. A status deleted since its ID was read is left out.
func (s *Store) statusesInOrder(ctx context.Context, ids []int64) ([]Status, error) {
	out := make([]Status, len(ids))
	c := s.statusRows()
	var miss []int64
	var gen uint64
	var now time.Time
	if c == nil {
		miss = ids
	} else {
		now = s.cache.now()
		gen = c.gen.Load()
		found := 0
		c.mu.RLock()
		for i, id := range ids {
			e, ok := c.rows[id]
			if ok && e.gen == gen && now.Before(e.expires) {
				out[i] = e.st
				found++
			} else {
				miss = append(miss, id)
			}
		}
		c.mu.RUnlock()
		if found > 0 {
			// One allocation for the page's copies, each with its own
			// element: an allocation per row was a third of this
			// function's time.
			pointees := make([]statusPointees, found)
			for i := range out {
				if out[i].ID != 0 {
					out[i].detachTo(&pointees[found-1])
					found--
				}
			}
		}
	}
	if len(miss) == 0 {
		return out, nil
	}
	rs, err := s.queryFixed(ctx, s.statusesByIDQuery(), int64List(miss, s.dialect))
	if err != nil {
		return nil, err
	}
	loaded, err := scanStatuses(rs, len(miss))
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*Status, len(loaded))
	for i := range loaded {
		byID[loaded[i].ID] = &loaded[i]
	}
	if c != nil {
		// The window is the one the lookup was made in, before the read.
		c.keep(loaded, gen, now.Truncate(s.cache.ttl).Add(s.cache.ttl))
	}
	kept := out[:0]
	for i, id := range ids {
		if out[i].ID == 0 {
			st, ok := byID[id]
			if !ok {
				continue
			}
			out[i] = *st
		}
		kept = append(kept, out[i])
	}
	return kept, nil
}

// keep stores copies of rows read while the generation was gen, unless a
// write that could change them has run since: such a read may hold the
// old row. Entries expire at the end of the read cache's TTL window, as
// its own do.
func (c *statusCache) keep(rows []Status, gen uint64, expires time.Time) {
	if len(rows) == 0 || c.gen.Load() != gen {
		return
	}
	entries := make([]*statusEntry, len(rows))
	for i := range rows {
		entries[i] = &statusEntry{st: rows[i], gen: gen, expires: expires}
		entries[i].st.detach()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range entries {
		if old, ok := c.rows[e.st.ID]; ok {
			c.size -= old.st.cachedSize()
		}
		c.rows[e.st.ID] = e
		c.size += e.st.cachedSize()
	}
	if c.size > c.limit {
		// Drop entries in the map's order (about random) until a tenth
		// of the bound is free: cheaper than keeping a recency order on
		// every hit, and a feed's rows are read again within seconds or
		// not for long.
		for id, e := range c.rows {
			if c.size <= c.limit-c.limit/10 {
				break
			}
			c.size -= e.st.cachedSize()
			delete(c.rows, id)
		}
	}
}

// cachedSize estimates the bytes a cached copy of st holds.
func (st *Status) cachedSize() int {
	n := statusRowOverhead + len(st.Text) + len(st.Content) + len(st.SpoilerText)
	for _, p := range []*string{st.URI, st.URL, st.Language} {
		if p != nil {
			n += len(*p)
		}
	}
	return n
}

// statusPointees holds what one Status's pointers point to, in one
// allocation.
type statusPointees struct {
	uri, url, language                                                 string
	inReplyToID, inReplyToAccountID, reblogOfID, conversationID, appID int64
	editedAt, deletedAt                                                time.Time
}

// detach gives st's pointer fields values of their own, so that nothing
// done through them reaches another copy (strings are immutable).
func (st *Status) detach() {
	st.detachTo(new(statusPointees))
}

// detachTo is detach with the values in p, which nothing else may use.
func (st *Status) detachTo(p *statusPointees) {
	if st.URI != nil {
		p.uri = *st.URI
		st.URI = &p.uri
	}
	if st.URL != nil {
		p.url = *st.URL
		st.URL = &p.url
	}
	if st.Language != nil {
		p.language = *st.Language
		st.Language = &p.language
	}
	if st.InReplyToID != nil {
		p.inReplyToID = *st.InReplyToID
		st.InReplyToID = &p.inReplyToID
	}
	if st.InReplyToAccountID != nil {
		p.inReplyToAccountID = *st.InReplyToAccountID
		st.InReplyToAccountID = &p.inReplyToAccountID
	}
	if st.ReblogOfID != nil {
		p.reblogOfID = *st.ReblogOfID
		st.ReblogOfID = &p.reblogOfID
	}
	if st.ConversationID != nil {
		p.conversationID = *st.ConversationID
		st.ConversationID = &p.conversationID
	}
	if st.ApplicationID != nil {
		p.appID = *st.ApplicationID
		st.ApplicationID = &p.appID
	}
	if st.EditedAt != nil {
		p.editedAt = *st.EditedAt
		st.EditedAt = &p.editedAt
	}
	if st.DeletedAt != nil {
		p.deletedAt = *st.DeletedAt
		st.DeletedAt = &p.deletedAt
	}
}

// statusesByIDQuery reads the undeleted statuses among the IDs in ?0
// (int64List): one fixed text, prepared once.
func (s *Store) statusesByIDQuery() string {
	if s.dialect == Postgres {
		return statusesByIDPostgres
	}
	return statusesByIDSQLite
}

// The statement of statusesByIDQuery on each database.
var (
	statusesByIDPostgres = fmt.Sprintf(`SELECT %s FROM statuses AS status WHERE status.id = ANY(CAST(?0 AS BIGINT[])) AND status.deleted_at IS NULL`, statusColumns)
	statusesByIDSQLite   = fmt.Sprintf(`SELECT %s FROM statuses AS status WHERE status.id IN (SELECT value FROM json_each(?0)) AND status.deleted_at IS NULL`, statusColumns)
)
