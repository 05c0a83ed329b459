package storage

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Report is a complaint about an account (and some of its statuses) for
// this instance's moderators: filed by a local account through the API,
// or received as another server's Flag activity, where AccountID is the
// remote actor that sent it and URI the Flag's id. Category is spam,
// legal, violation or other; Forwarded tells that a copy was sent to the
// reported remote account's server.
type Report struct {
	bun.BaseModel `bun:"table:reports"`

	ID              int64      `bun:"id,pk"`
	AccountID       int64      `bun:"account_id,notnull"`
	TargetAccountID int64      `bun:"target_account_id,notnull"`
	StatusIDs       string     `bun:"status_ids,notnull"`
	Comment         string     `bun:"comment,notnull"`
	Category        string     `bun:"category,notnull"`
	Forwarded       bool       `bun:"forwarded,notnull"`
	URI             *string    `bun:"uri"`
	CreatedAt       time.Time  `bun:"created_at,notnull"`
	ResolvedAt      *time.Time `bun:"resolved_at"`
}

// SetStatusIDs stores the reported statuses' IDs.
func (r *Report) SetStatusIDs(ids []int64) {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	r.StatusIDs = strings.Join(parts, ",")
}

// StatusIDList returns the reported statuses' IDs.
func (r *Report) StatusIDList() []int64 {
	var out []int64
	for _, p := range strings.Split(r.StatusIDs, ",") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// InsertReport stores a report, filling in its ID and time (and category,
// "other" when unset). A report with a URI already stored is ErrConflict.
func (s *Store) InsertReport(ctx context.Context, r *Report) error {
	r.ID, r.CreatedAt = s.NewID(), time.Now().UTC()
	if r.Category == "" {
		r.Category = "other"
	}
	if _, err := s.idb.NewInsert().Model(r).Exec(ctx); err != nil {
		return fmt.Errorf("storage: insert report: %w", classify(err))
	}
	return nil
}

// ReportsAbout lists the reports about an account, newest first.
func (s *Store) ReportsAbout(ctx context.Context, targetID int64) ([]Report, error) {
	var out []Report
	if err := s.idb.NewSelect().Model(&out).Where("target_account_id = ?", targetID).Order("id DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: reports: %w", classify(err))
	}
	return out, nil
}

// ReportsByIDs returns the reports with those IDs that exist, by ID.
func (s *Store) ReportsByIDs(ctx context.Context, ids []int64) (map[int64]Report, error) {
	out := map[int64]Report{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []Report
	if err := s.idb.NewSelect().Model(&rows).Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: reports by ids: %w", classify(err))
	}
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}
