package storage

import (
	"context"
	"fmt"
	"slices"
)

// A page of statuses is read again and again within seconds (a client
// polling its home timeline, the load tool's readers), and the facts
// statement was a quarter of what such a page cost (about 160 index
// probes on a page of 40). So its answers are kept in the read cache, per
// viewer and status, with each viewer's muted conversations. Every write
// to a table the statement reads (cacheDeps: statuses, the counters'
// tables, the viewers' marks) drops them all, so a favourite, a boost, a
// reply or a new post is seen by the next page, as without the cache;
// writes of another process within the TTL, as for every kind. See
// docs/decisions/20261202-status-facts-cache.md.

// statusFact is what StatusFacts says of one status, for one viewer.
type statusFact struct {
	mentions                                  []int64
	tags                                      []string
	replies, favourites, reblogs              int
	media, poll                               bool
	favourited, reblogged, bookmarked, pinned bool
}

// clone returns f for a caller, who may change the slices it is given: a
// copy when f has any (most statuses have none).
func (f *statusFact) clone() *statusFact {
	if f.mentions == nil && f.tags == nil {
		return f
	}
	c := *f
	c.mentions, c.tags = slices.Clone(f.mentions), slices.Clone(f.tags)
	return &c
}

// StatusFactsOf reads the StatusFacts of the statuses with ids; unless
// viewerID is 0, with the viewer's marks on them and its mutes of
// conversationIDs. What it read in the current window of the read cache,
// with no write since to any table it reads, is not read again.
func (s *Store) StatusFactsOf(ctx context.Context, viewerID int64, ids, conversationIDs []int64) (StatusFacts, error) {
	f := newStatusFacts()
	if len(ids) == 0 {
		return f, nil
	}
	err := cachedEach(ctx, s, kindStatusFacts, viewerID, unique(ids), func(ctx context.Context, miss []int64) (map[int64]*statusFact, error) {
		read, err := s.statusFactsOf(ctx, viewerID, miss, true)
		if err != nil {
			return nil, err
		}
		return read.split(miss), nil
	}, (*statusFact).clone, f.add)
	if err != nil {
		return f, err
	}
	if viewerID == 0 || len(conversationIDs) == 0 {
		return f, nil
	}
	muted, err := cachedOne(ctx, s, kindConversationMutes, viewerID, func(ctx context.Context) (map[int64]bool, error) {
		return s.mutedConversations(ctx, viewerID)
	}, same[map[int64]bool]) // never changed: read below only
	if err != nil {
		return f, err
	}
	for _, id := range conversationIDs {
		if muted[id] {
			f.MutedConversations[id] = true
		}
	}
	return f, nil
}

// split gives each of ids its statusFact (the zero one when f holds
// nothing of it, so that the cache keeps that too).
func (f StatusFacts) split(ids []int64) map[int64]*statusFact {
	out := make(map[int64]*statusFact, len(ids))
	for _, id := range ids {
		out[id] = &statusFact{
			mentions: f.Mentions[id], tags: f.Tags[id],
			replies: f.Replies[id], favourites: f.Favourites[id], reblogs: f.Reblogs[id],
			media: f.HasMedia[id], poll: f.HasPoll[id],
			favourited: f.Favourited[id], reblogged: f.Reblogged[id], bookmarked: f.Bookmarked[id], pinned: f.Pinned[id],
		}
	}
	return out
}

// add puts e, the facts of status id, into f, leaving out what is zero as
// the statement does.
func (f StatusFacts) add(id int64, e *statusFact) {
	if e.mentions != nil {
		f.Mentions[id] = e.mentions
	}
	if e.tags != nil {
		f.Tags[id] = e.tags
	}
	if e.replies > 0 {
		f.Replies[id] = e.replies
	}
	if e.favourites > 0 {
		f.Favourites[id] = e.favourites
	}
	if e.reblogs > 0 {
		f.Reblogs[id] = e.reblogs
	}
	marks := [...]struct {
		on bool
		m  map[int64]bool
	}{
		{e.media, f.HasMedia}, {e.poll, f.HasPoll},
		{e.favourited, f.Favourited}, {e.reblogged, f.Reblogged}, {e.bookmarked, f.Bookmarked}, {e.pinned, f.Pinned},
	}
	for _, k := range marks {
		if k.on {
			k.m[id] = true
		}
	}
}

// mutedConversations reads the IDs of every conversation the account
// muted, as a set: few, and a page asks about dozens.
func (s *Store) mutedConversations(ctx context.Context, accountID int64) (map[int64]bool, error) {
	rs, err := s.queryFixed(ctx, `SELECT conversation_id FROM conversation_mutes WHERE account_id = CAST(?0 AS BIGINT)`, accountID)
	if err != nil {
		return nil, fmt.Errorf("storage: muted conversations: %w", classify(err))
	}
	ids, err := scanIDs(rs)
	if err != nil {
		return nil, fmt.Errorf("storage: muted conversations: %w", classify(err))
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}
