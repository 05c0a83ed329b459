package storage

import (
	"strconv"
	"strings"
)

// On SQLite the facts statement takes a page's IDs as bound integers in
// fixed slots, page(id) AS (VALUES (?3),(?),...), rather than as one
// JSON array: json_each turned each ID's text back into an integer
// through SQLite's generic number parser (slow as modernc transpiles
// it), which under the load tool's home phase was about a tenth of the
// server's CPU (docs/performance.md, Session 6). There is one text per
// slot count, written once and prepared once like the others; the slots
// a call does not fill are bound to NULL, which equals nothing, so that
// the joins find no row for them whatever IDs the tables hold. More IDs
// than the largest slot count take the JSON text. PostgreSQL keeps its
// one array argument.

// statusFactsSlotCounts are the slot counts of the SQLite facts texts:
// one status (shown alone, or a boost's original), a few (the originals
// of a page's boosts, read apart from it), a page of the Mastodon API's
// default 20 statuses or its largest 40, a page of 80 notifications.
var statusFactsSlotCounts = [...]int{1, 8, 20, 40, 80}

// statusFactsText is one SQLite text of the facts statement with slots.
type statusFactsText struct {
	// slots is how many IDs page takes.
	slots int
	text  string
}

// The facts statement's texts, written once rather than on each call.
var (
	statusFactsSQLite = `WITH page(id) AS (` + selectIDsIn(SQLite, 0) + `)` +
		statusFactsStats + statusFactsJoins + statusFactsBranches
	statusFactsPostgres = `WITH page(id) AS (` + selectIDsIn(Postgres, 0) + `)` +
		statusFactsStatsPostgres + statusFactsJoinsPostgres + statusFactsBranches
	statusFactsSQLiteSlots = slotTexts()
)

// slotTexts writes the SQLite facts texts with slots, in ascending slot
// counts. Their arguments keep the array text's positions: ?0 (the
// array) is unused and bound to NULL, ?1 is the viewer, the page's IDs
// are ?2 to ?n+1.
func slotTexts() []statusFactsText {
	texts := make([]statusFactsText, len(statusFactsSlotCounts))
	for i, n := range statusFactsSlotCounts {
		texts[i] = statusFactsText{slots: n, text: `WITH page(id) AS (` + valuesOf(2, n) + `)` +
			statusFactsStats + statusFactsJoins + statusFactsBranches}
	}
	return texts
}

// valuesOf writes VALUES (?first),(?),(?),... of n rows: parameters
// first to first+n-1, for a bare ? is numbered one more than the largest
// number before it. Unnumbered, the driver binds them without looking up
// their names, which SQLite finds by scanning a list of every numbered
// one.
func valuesOf(first, n int) string {
	var b strings.Builder
	b.WriteString("VALUES (?" + strconv.Itoa(first) + ")")
	for range n - 1 {
		b.WriteString(",(?)")
	}
	return b.String()
}

// statusFactsQuery returns the facts statement's text for the viewer and
// the page's unique ids, and its arguments: on SQLite, when slots is set,
// the text with the fewest slots that hold them all.
func (s *Store) statusFactsQuery(viewerID int64, ids []int64, slots bool) (string, []any) {
	if s.dialect == Postgres {
		return statusFactsPostgres, []any{int64List(ids, Postgres), viewerID}
	}
	for _, t := range statusFactsSQLiteSlots {
		if !slots || len(ids) > t.slots {
			continue
		}
		// Unfilled slots stay nil: NULL.
		args := make([]any, 2+t.slots)
		args[1] = viewerID
		for i, id := range ids {
			args[2+i] = id
		}
		return t.text, args
	}
	return statusFactsSQLite, []any{int64List(ids, SQLite), viewerID}
}
