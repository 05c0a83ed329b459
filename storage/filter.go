package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Filter is an account's keyword and status filter (Mastodon's
// CustomFilter).
type Filter struct {
	bun.BaseModel `bun:"table:filters"`

	ID        int64  `bun:"id,pk"`
	AccountID int64  `bun:"account_id,notnull"`
	Title     string `bun:"title,notnull"`
	// Context is the comma-separated contexts it applies in; see Contexts.
	Context string `bun:"context,notnull"`
	// Action is "warn" or "hide".
	Action    string     `bun:"action,notnull"`
	ExpiresAt *time.Time `bun:"expires_at"`
	CreatedAt time.Time  `bun:"created_at,notnull"`
	UpdatedAt time.Time  `bun:"updated_at,notnull"`
}

// Contexts splits Context.
func (f *Filter) Contexts() []string {
	if f.Context == "" {
		return []string{}
	}
	return strings.Split(f.Context, ",")
}

// FilterKeyword is a keyword of a filter.
type FilterKeyword struct {
	bun.BaseModel `bun:"table:filter_keywords"`

	ID        int64     `bun:"id,pk"`
	FilterID  int64     `bun:"filter_id,notnull"`
	Keyword   string    `bun:"keyword,notnull"`
	WholeWord bool      `bun:"whole_word,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull"`
	UpdatedAt time.Time `bun:"updated_at,notnull"`
}

// FilterStatus is a status a filter names.
type FilterStatus struct {
	bun.BaseModel `bun:"table:filter_statuses"`

	ID        int64     `bun:"id,pk"`
	FilterID  int64     `bun:"filter_id,notnull"`
	StatusID  int64     `bun:"status_id,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull"`
}

// FilterSet is a filter with its keywords and statuses, oldest first.
type FilterSet struct {
	Filter   Filter
	Keywords []FilterKeyword
	Statuses []FilterStatus
}

// InsertFilter stores a new filter, filling in its ID and timestamps.
func (s *Store) InsertFilter(ctx context.Context, f *Filter) error {
	now := time.Now().UTC()
	f.ID, f.CreatedAt, f.UpdatedAt = s.NewID(), now, now
	if _, err := s.idb.NewInsert().Model(f).Exec(ctx); err != nil {
		return fmt.Errorf("storage: insert filter: %w", classify(err))
	}
	return nil
}

// UpdateFilter saves a filter's title, context, action and expiry.
func (s *Store) UpdateFilter(ctx context.Context, f *Filter) error {
	f.UpdatedAt = time.Now().UTC()
	res, err := s.idb.NewUpdate().Model(f).Column("title", "context", "action", "expires_at", "updated_at").
		Where("id = ?", f.ID).Where("account_id = ?", f.AccountID).Exec(ctx)
	return checkUpdated(res, err, "update filter")
}

// DeleteFilter removes ownerID's filter with its keywords and statuses.
func (s *Store) DeleteFilter(ctx context.Context, ownerID, id int64) error {
	res, err := s.idb.NewDelete().Model((*Filter)(nil)).Where("id = ?", id).Where("account_id = ?", ownerID).Exec(ctx)
	return checkUpdated(res, err, "delete filter")
}

// FilterOf returns ownerID's filter with that ID; ErrNotFound when there
// is none or it is someone else's.
func (s *Store) FilterOf(ctx context.Context, ownerID, id int64) (*Filter, error) {
	f := new(Filter)
	if err := s.idb.NewSelect().Model(f).Where("id = ?", id).Where("account_id = ?", ownerID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: filter %d: %w", id, classify(err))
	}
	return f, nil
}

// FilterSets returns ownerID's filters with their keywords and statuses,
// oldest first; with activeAt set, only those not expired at that time.
func (s *Store) FilterSets(ctx context.Context, ownerID int64, activeAt *time.Time) ([]FilterSet, error) {
	// Every filter is read (and cached), expired ones too; which are
	// active is decided here.
	all, err := cachedOne(ctx, s, kindFilters, ownerID, func(ctx context.Context) ([]FilterSet, error) {
		var fs []Filter
		if err := s.idb.NewSelect().Model(&fs).Where("account_id = ?", ownerID).OrderExpr("id ASC").Scan(ctx); err != nil {
			return nil, fmt.Errorf("storage: filters: %w", classify(err))
		}
		return s.filterSets(ctx, fs)
	}, slices.Clone[[]FilterSet])
	if err != nil || activeAt == nil {
		return all, err
	}
	return slices.DeleteFunc(all, func(f FilterSet) bool {
		return f.Filter.ExpiresAt != nil && !f.Filter.ExpiresAt.After(*activeAt)
	}), nil
}

// FilterSetOf returns ownerID's filter with its keywords and statuses.
func (s *Store) FilterSetOf(ctx context.Context, ownerID, id int64) (*FilterSet, error) {
	f, err := s.FilterOf(ctx, ownerID, id)
	if err != nil {
		return nil, err
	}
	sets, err := s.filterSets(ctx, []Filter{*f})
	if err != nil {
		return nil, err
	}
	return &sets[0], nil
}

// filterSets loads the keywords and statuses of fs.
func (s *Store) filterSets(ctx context.Context, fs []Filter) ([]FilterSet, error) {
	out := make([]FilterSet, len(fs))
	if len(fs) == 0 {
		return out, nil
	}
	ids := make([]int64, len(fs))
	at := map[int64]int{}
	for i, f := range fs {
		ids[i], at[f.ID] = f.ID, i
		out[i] = FilterSet{Filter: f, Keywords: []FilterKeyword{}, Statuses: []FilterStatus{}}
	}
	var kws []FilterKeyword
	if err := s.idb.NewSelect().Model(&kws).Where("filter_id IN (?)", bun.In(ids)).OrderExpr("id ASC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: filter keywords: %w", classify(err))
	}
	for _, k := range kws {
		out[at[k.FilterID]].Keywords = append(out[at[k.FilterID]].Keywords, k)
	}
	var sts []FilterStatus
	if err := s.idb.NewSelect().Model(&sts).Where("filter_id IN (?)", bun.In(ids)).OrderExpr("id ASC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: filter statuses: %w", classify(err))
	}
	for _, st := range sts {
		out[at[st.FilterID]].Statuses = append(out[at[st.FilterID]].Statuses, st)
	}
	return out, nil
}

// InsertFilterKeyword stores a keyword of a filter.
func (s *Store) InsertFilterKeyword(ctx context.Context, k *FilterKeyword) error {
	now := time.Now().UTC()
	k.ID, k.CreatedAt, k.UpdatedAt = s.NewID(), now, now
	if _, err := s.idb.NewInsert().Model(k).Exec(ctx); err != nil {
		return fmt.Errorf("storage: insert filter keyword: %w", classify(err))
	}
	return nil
}

// UpdateFilterKeyword saves a keyword's text and whole-word flag.
func (s *Store) UpdateFilterKeyword(ctx context.Context, k *FilterKeyword) error {
	k.UpdatedAt = time.Now().UTC()
	res, err := s.idb.NewUpdate().Model(k).Column("keyword", "whole_word", "updated_at").
		Where("id = ?", k.ID).Where("filter_id = ?", k.FilterID).Exec(ctx)
	return checkUpdated(res, err, "update filter keyword")
}

// DeleteFilterKeyword removes a keyword of a filter.
func (s *Store) DeleteFilterKeyword(ctx context.Context, filterID, id int64) error {
	res, err := s.idb.NewDelete().Model((*FilterKeyword)(nil)).Where("id = ?", id).Where("filter_id = ?", filterID).Exec(ctx)
	return checkUpdated(res, err, "delete filter keyword")
}

// FilterKeywordOf returns a keyword of one of ownerID's filters, with
// that filter; ErrNotFound when it is someone else's.
func (s *Store) FilterKeywordOf(ctx context.Context, ownerID, id int64) (*FilterKeyword, *Filter, error) {
	k := new(FilterKeyword)
	if err := s.idb.NewSelect().Model(k).Where("id = ?", id).
		Where("filter_id IN (SELECT id FROM filters WHERE account_id = ?)", ownerID).Scan(ctx); err != nil {
		return nil, nil, fmt.Errorf("storage: filter keyword %d: %w", id, classify(err))
	}
	f, err := s.FilterOf(ctx, ownerID, k.FilterID)
	if err != nil {
		return nil, nil, err
	}
	return k, f, nil
}

// FilterKeywordsOf returns every keyword of ownerID's filters with its
// filter, oldest keyword first (the v1 API's list of filters).
func (s *Store) FilterKeywordsOf(ctx context.Context, ownerID int64) ([]FilterKeyword, map[int64]Filter, error) {
	var kws []FilterKeyword
	if err := s.idb.NewSelect().Model(&kws).
		Where("filter_id IN (SELECT id FROM filters WHERE account_id = ?)", ownerID).OrderExpr("id ASC").Scan(ctx); err != nil {
		return nil, nil, fmt.Errorf("storage: filter keywords: %w", classify(err))
	}
	var fs []Filter
	if err := s.idb.NewSelect().Model(&fs).Where("account_id = ?", ownerID).Scan(ctx); err != nil {
		return nil, nil, fmt.Errorf("storage: filters: %w", classify(err))
	}
	byID := make(map[int64]Filter, len(fs))
	for _, f := range fs {
		byID[f.ID] = f
	}
	if kws == nil {
		kws = []FilterKeyword{}
	}
	return kws, byID, nil
}

// CountFilterKeywords counts a filter's keywords.
func (s *Store) CountFilterKeywords(ctx context.Context, filterID int64) (int, error) {
	n, err := s.idb.NewSelect().Model((*FilterKeyword)(nil)).Where("filter_id = ?", filterID).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("storage: count filter keywords: %w", classify(err))
	}
	return int(n), nil
}

// InsertFilterStatus stores a status a filter names; ErrConflict when the
// filter names it already.
func (s *Store) InsertFilterStatus(ctx context.Context, fs *FilterStatus) error {
	fs.ID, fs.CreatedAt = s.NewID(), time.Now().UTC()
	if _, err := s.idb.NewInsert().Model(fs).Exec(ctx); err != nil {
		return fmt.Errorf("storage: insert filter status: %w", classify(err))
	}
	return nil
}

// FilterStatusOf returns a status entry of one of ownerID's filters;
// ErrNotFound when it is someone else's.
func (s *Store) FilterStatusOf(ctx context.Context, ownerID, id int64) (*FilterStatus, error) {
	fs := new(FilterStatus)
	if err := s.idb.NewSelect().Model(fs).Where("id = ?", id).
		Where("filter_id IN (SELECT id FROM filters WHERE account_id = ?)", ownerID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: filter status %d: %w", id, classify(err))
	}
	return fs, nil
}

// DeleteFilterStatus removes a status entry of a filter.
func (s *Store) DeleteFilterStatus(ctx context.Context, filterID, id int64) error {
	res, err := s.idb.NewDelete().Model((*FilterStatus)(nil)).Where("id = ?", id).Where("filter_id = ?", filterID).Exec(ctx)
	return checkUpdated(res, err, "delete filter status")
}

// FilterKeywordIn returns keyword id of filter filterID.
func (s *Store) FilterKeywordIn(ctx context.Context, filterID, id int64) (*FilterKeyword, error) {
	k := new(FilterKeyword)
	if err := s.idb.NewSelect().Model(k).Where("id = ?", id).Where("filter_id = ?", filterID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: filter keyword %d: %w", id, classify(err))
	}
	return k, nil
}

// CountFilters counts ownerID's filters.
func (s *Store) CountFilters(ctx context.Context, ownerID int64) (int, error) {
	n, err := s.idb.NewSelect().Model((*Filter)(nil)).Where("account_id = ?", ownerID).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("storage: count filters: %w", classify(err))
	}
	return int(n), nil
}
