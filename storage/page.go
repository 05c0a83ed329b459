package storage

import (
	"slices"

	"github.com/uptrace/bun"
)

// Page selects a window of a newest-first list by ID, as Mastodon's
// max_id, since_id and min_id parameters do. Zero fields are unset.
type Page struct {
	// MaxID keeps rows strictly older than it.
	MaxID int64
	// SinceID keeps rows strictly newer than it, newest first.
	SinceID int64
	// MinID keeps rows strictly newer than it, the oldest of them first in
	// the query (the rows right after the cursor), returned newest first.
	MinID int64
	// Limit caps the number of rows; callers set it (0 means 20).
	Limit int
}

func (p Page) limit() int {
	if p.Limit <= 0 {
		return 20
	}
	return p.Limit
}

// ascending reports whether the page is read oldest first and reversed
// afterwards (min_id paging).
func (p Page) ascending() bool { return p.MinID > 0 }

// apply narrows q to the page on the ID column col and orders it.
func (p Page) apply(q *bun.SelectQuery, col string) *bun.SelectQuery {
	if p.MaxID > 0 {
		q = q.Where("? < ?", bun.Ident(col), p.MaxID)
	}
	if p.SinceID > 0 {
		q = q.Where("? > ?", bun.Ident(col), p.SinceID)
	}
	if p.MinID > 0 {
		q = q.Where("? > ?", bun.Ident(col), p.MinID)
		return q.OrderExpr("? ASC", bun.Ident(col)).Limit(int64(p.limit()))
	}
	return q.OrderExpr("? DESC", bun.Ident(col)).Limit(int64(p.limit()))
}

// finish puts rows read by a min_id page back into newest-first order.
func finish[T any](p Page, rows []T) []T {
	if p.ascending() {
		slices.Reverse(rows)
	}
	return rows
}
