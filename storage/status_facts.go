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

// StatusFactsOf reads the StatusFacts of the statuses with ids; unless
// viewerID is 0, with the viewer's marks on them and its mutes of
// conversationIDs.
func (s *Store) StatusFactsOf(ctx context.Context, viewerID int64, ids, conversationIDs []int64) (StatusFacts, error) {
	f := StatusFacts{
		StatusActivity: StatusActivity{
			Favourites: map[int64]int{}, Reblogs: map[int64]int{},
			Favourited: map[int64]bool{}, Reblogged: map[int64]bool{}, Bookmarked: map[int64]bool{}, Pinned: map[int64]bool{},
			MutedConversations: map[int64]bool{},
		},
		Mentions: map[int64][]int64{}, Tags: map[int64][]string{}, Replies: map[int64]int{},
		HasMedia: map[int64]bool{}, HasPoll: map[int64]bool{},
	}
	if len(ids) == 0 {
		return f, nil
	}
	if len(conversationIDs) == 0 {
		conversationIDs = []int64{0}
	}
	type row struct {
		K, S  string
		ID, N int64
	}
	var rows []row
	page, convs := `SELECT value FROM json_each(?0)`, `SELECT value FROM json_each(?1)`
	if s.dialect == Postgres {
		page, convs = `SELECT unnest(?0::bigint[])`, `SELECT unnest(?1::bigint[])`
	}
	rs, err := s.queryFixed(ctx, `WITH page(id) AS (`+page+`), convs(id) AS (`+convs+`)`+statusFactsStats+statusFactsBranches,
		int64List(ids, s.dialect), int64List(conversationIDs, s.dialect), viewerID)
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
		"F": f.Favourited, "B": f.Bookmarked, "P": f.Pinned, "R": f.Reblogged, "M": f.MutedConversations,
	}
	for _, r := range rows {
		switch r.K {
		case "f":
			f.Favourites[r.ID] = int(r.N)
		case "r":
			f.Reblogs[r.ID] = int(r.N)
		case "F", "B", "P", "R", "M":
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
const statusFactsStats = `, stats AS MATERIALIZED (SELECT status_id, replies_count, favourites_count, reblogs_count,
		mentions_count, tags_count, media_count, polls_count
	FROM status_stats WHERE status_id IN (SELECT id FROM page) AND (replies_count > 0 OR favourites_count > 0
		OR reblogs_count > 0 OR mentions_count > 0 OR tags_count > 0 OR media_count > 0 OR polls_count > 0))`

// statusFactsBranches reads every fact of the statuses in page (and the
// conversations in convs) for the viewer ?2. Its text never changes, so
// it is prepared once (queryFixed): the IDs come as one array argument.
const statusFactsBranches = `
	SELECT 'm' AS k, status_id AS id, account_id AS n, '' AS s FROM status_mentions WHERE status_id IN (SELECT status_id FROM stats WHERE mentions_count > 0)
	UNION ALL SELECT 't', st.status_id, 0, t.name FROM status_tags AS st JOIN tags AS t ON t.id = st.tag_id WHERE st.status_id IN (SELECT status_id FROM stats WHERE tags_count > 0)
	UNION ALL SELECT 'a', status_id, media_count, '' FROM stats WHERE media_count > 0
	UNION ALL SELECT 'p', status_id, 1, '' FROM stats WHERE polls_count > 0
	UNION ALL SELECT 'c', status_id, replies_count, '' FROM stats WHERE replies_count > 0
	UNION ALL SELECT 'f', status_id, favourites_count, '' FROM stats WHERE favourites_count > 0
	UNION ALL SELECT 'r', status_id, reblogs_count, '' FROM stats WHERE reblogs_count > 0
	UNION ALL SELECT 'F', status_id, 1, '' FROM favourites WHERE account_id = CAST(?2 AS BIGINT) AND status_id IN (SELECT status_id FROM stats WHERE favourites_count > 0)
	UNION ALL SELECT 'B', status_id, 1, '' FROM bookmarks WHERE account_id = CAST(?2 AS BIGINT) AND status_id IN (SELECT id FROM page)
	UNION ALL SELECT 'P', status_id, 1, '' FROM status_pins WHERE account_id = CAST(?2 AS BIGINT) AND status_id IN (SELECT id FROM page)
	UNION ALL SELECT 'R', reblog_of_id, 1, '' FROM statuses WHERE account_id = CAST(?2 AS BIGINT) AND reblog_of_id IN (SELECT status_id FROM stats WHERE reblogs_count > 0) AND deleted_at IS NULL
	UNION ALL SELECT 'M', conversation_id, 1, '' FROM conversation_mutes WHERE account_id = CAST(?2 AS BIGINT) AND conversation_id IN (SELECT id FROM convs)`

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
