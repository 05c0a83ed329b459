package storage

import (
	"context"
	"fmt"
	"slices"
	"strconv"
)

// StatusFacts are what a page of statuses shows besides their rows, read
// in one statement: mentions, hashtags, reply counts, favourite and boost
// counts, the viewer's marks, and which statuses have attachments or a
// poll (so that those are read only when there are some).
type StatusFacts struct {
	StatusActivity
	// Mentions are the IDs of the accounts each status mentions, in
	// ascending order.
	Mentions map[int64][]int64
	// Tags are each status's hashtag names, in alphabetical order.
	Tags map[int64][]string
	// Replies counts undeleted public and unlisted replies, as
	// RepliesCounts does.
	Replies map[int64]int
	// HasMedia and HasPoll mark the statuses with attachments or a poll.
	HasMedia, HasPoll map[int64]bool
}

// newStatusFacts returns StatusFacts with every map made.
func newStatusFacts() StatusFacts {
	return StatusFacts{
		StatusActivity: StatusActivity{
			Favourites: map[int64]int{}, Reblogs: map[int64]int{},
			Favourited: map[int64]bool{}, Reblogged: map[int64]bool{}, Bookmarked: map[int64]bool{}, Pinned: map[int64]bool{},
			MutedConversations: map[int64]bool{},
		},
		Mentions: map[int64][]int64{}, Tags: map[int64][]string{}, Replies: map[int64]int{},
		HasMedia: map[int64]bool{}, HasPoll: map[int64]bool{},
	}
}

// statusFactsOf is StatusFactsOf read by the facts statement, without
// the read cache and without the viewer's muted conversations (which
// StatusFactsOf reads apart); unless slots is set, SQLite is given the
// IDs as JSON however few there are (statusFactsQuery).
func (s *Store) statusFactsOf(ctx context.Context, viewerID int64, ids []int64, slots bool) (StatusFacts, error) {
	f := newStatusFacts()
	if len(ids) == 0 {
		return f, nil
	}
	ids = unique(ids)
	type row struct {
		K, S  string
		ID, N int64
	}
	var rows []row
	query, args := s.statusFactsQuery(viewerID, ids, slots)
	rs, err := s.queryFixed(ctx, query, args...)
	if err == nil {
		// Scanned by hand: bun's reflection cost more than the query.
		for rs.Next() {
			var r row
			if err = rs.Scan(&r.K, &r.ID, &r.N, &r.S); err != nil {
				break
			}
			rows = append(rows, r)
		}
		if err == nil {
			err = rs.Err()
		}
		_ = rs.Close()
	}
	if err != nil {
		return f, fmt.Errorf("storage: status facts: %w", classify(err))
	}
	marks := map[string]map[int64]bool{
		"F": f.Favourited, "B": f.Bookmarked, "P": f.Pinned, "R": f.Reblogged,
	}
	for _, r := range rows {
		switch r.K {
		case "f":
			f.Favourites[r.ID] = int(r.N)
		case "r":
			f.Reblogs[r.ID] = int(r.N)
		case "F", "B", "P", "R":
			marks[r.K][r.ID] = true
		case "m":
			f.Mentions[r.ID] = append(f.Mentions[r.ID], r.N)
		case "t":
			f.Tags[r.ID] = append(f.Tags[r.ID], r.S)
		case "c":
			f.Replies[r.ID] = int(r.N)
		case "a":
			f.HasMedia[r.ID] = true
		case "p":
			f.HasPoll[r.ID] = true
		}
	}
	for _, m := range f.Mentions {
		slices.Sort(m)
	}
	for _, t := range f.Tags {
		slices.Sort(t)
	}
	return f, nil
}

// statusFactsStats reads the page's counters (status_stats, kept by
// triggers) once. A status without a row (or with zeros) has no replies,
// favourites, boosts, mentions, hashtags, attachments or poll, so the
// viewer's favourites and boosts, mentions and hashtags are looked for
// only among the statuses that have some.
//
// Each branch joins its table to the page (or to stats) rather than
// testing "status_id IN (SELECT ...)": SQLite builds an ephemeral index
// for every IN subquery, a dozen per page, which cost more than the
// probes themselves. CROSS JOIN keeps SQLite's loops in the written
// order (the page outside, one index probe per status inside); for
// PostgreSQL it is an inner join like any other. The page's IDs are
// unique (StatusFactsOf removes repeats), so the joins return what the
// IN tests did.
const statusFactsStats = `, stats AS MATERIALIZED (SELECT ss.status_id, ss.replies_count, ss.favourites_count, ss.reblogs_count,
		ss.mentions_count, ss.tags_count, ss.media_count, ss.polls_count
	FROM page CROSS JOIN status_stats AS ss WHERE ss.status_id = page.id AND (ss.replies_count > 0 OR ss.favourites_count > 0
		OR ss.reblogs_count > 0 OR ss.mentions_count > 0 OR ss.tags_count > 0 OR ss.media_count > 0 OR ss.polls_count > 0))`

// statusFactsStatsPostgres is statusFactsStats for PostgreSQL, with
// status_stats read through a LATERAL subquery that OFFSET 0 keeps from
// being flattened into a join, so that it is one index probe per status
// of the page whatever the table's size. Joined, the planner preferred
// a sequential scan of the whole table into a hash join as long as the
// table was small (about 2,000 rows or fewer; its costs assume uncached
// pages), which on a page of 40 cost the backend more than all of the
// statement's probes (docs/performance.md, Session 5).
const statusFactsStatsPostgres = `, stats AS MATERIALIZED (SELECT ss.* FROM page CROSS JOIN LATERAL (SELECT ss.status_id, ss.replies_count,
		ss.favourites_count, ss.reblogs_count, ss.mentions_count, ss.tags_count, ss.media_count, ss.polls_count
	FROM status_stats AS ss WHERE ss.status_id = page.id AND (ss.replies_count > 0 OR ss.favourites_count > 0
		OR ss.reblogs_count > 0 OR ss.mentions_count > 0 OR ss.tags_count > 0 OR ss.media_count > 0 OR ss.polls_count > 0) OFFSET 0) AS ss)`

// statusFactsJoins reads the mentions and hashtags of the statuses in
// stats, the first branches of the statement.
const statusFactsJoins = `
	SELECT 'm' AS k, sm.status_id AS id, sm.account_id AS n, '' AS s FROM stats CROSS JOIN status_mentions AS sm WHERE stats.mentions_count > 0 AND sm.status_id = stats.status_id
	UNION ALL SELECT 't', st.status_id, 0, t.name FROM stats CROSS JOIN status_tags AS st CROSS JOIN tags AS t WHERE stats.tags_count > 0 AND st.status_id = stats.status_id AND t.id = st.tag_id`

// statusFactsJoinsPostgres is statusFactsJoins for PostgreSQL, each
// table probed per status through a LATERAL subquery for the reason
// statusFactsStatsPostgres gives.
const statusFactsJoinsPostgres = `
	SELECT 'm' AS k, sm.status_id AS id, sm.account_id AS n, '' AS s FROM stats CROSS JOIN LATERAL (SELECT sm.status_id, sm.account_id
		FROM status_mentions AS sm WHERE sm.status_id = stats.status_id OFFSET 0) AS sm WHERE stats.mentions_count > 0
	UNION ALL SELECT 't', st.status_id, 0, st.name FROM stats CROSS JOIN LATERAL (SELECT st.status_id, t.name
		FROM status_tags AS st CROSS JOIN tags AS t WHERE st.status_id = stats.status_id AND t.id = st.tag_id OFFSET 0) AS st WHERE stats.tags_count > 0`

// statusFactsBranches reads the other facts of the statuses in page for
// the viewer ?1, after statusFactsJoins. Its texts are fixed, so each is
// prepared once (queryFixed); page is written by statusFactsQuery.
const statusFactsBranches = `
	UNION ALL SELECT 'a', status_id, media_count, '' FROM stats WHERE media_count > 0
	UNION ALL SELECT 'p', status_id, 1, '' FROM stats WHERE polls_count > 0
	UNION ALL SELECT 'c', status_id, replies_count, '' FROM stats WHERE replies_count > 0
	UNION ALL SELECT 'f', status_id, favourites_count, '' FROM stats WHERE favourites_count > 0
	UNION ALL SELECT 'r', status_id, reblogs_count, '' FROM stats WHERE reblogs_count > 0
	UNION ALL SELECT 'F', f.status_id, 1, '' FROM stats CROSS JOIN favourites AS f WHERE stats.favourites_count > 0 AND f.account_id = CAST(?1 AS BIGINT) AND f.status_id = stats.status_id
	UNION ALL SELECT 'B', b.status_id, 1, '' FROM page CROSS JOIN bookmarks AS b WHERE b.account_id = CAST(?1 AS BIGINT) AND b.status_id = page.id
	UNION ALL SELECT 'P', p.status_id, 1, '' FROM page CROSS JOIN status_pins AS p WHERE p.account_id = CAST(?1 AS BIGINT) AND p.status_id = page.id
	UNION ALL SELECT 'R', boost.reblog_of_id, 1, '' FROM stats CROSS JOIN statuses AS boost WHERE stats.reblogs_count > 0 AND boost.account_id = CAST(?1 AS BIGINT) AND boost.reblog_of_id = stats.status_id AND boost.deleted_at IS NULL`

// unique returns ids sorted, without repeats (a copy: the caller's slice
// keeps its order).
func unique(ids []int64) []int64 {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return slices.Compact(ids)
}

// int64List writes ids as one argument: a JSON array for SQLite's
// json_each, an array literal for PostgreSQL's unnest.
func int64List(ids []int64, d Dialect) string {
	open, end := byte('['), byte(']')
	if d == Postgres {
		open, end = '{', '}'
	}
	b := make([]byte, 0, len(ids)*20+2)
	b = append(b, open)
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, end))
}
