package filter

import (
	"context"
	"fmt"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/storage"
)

// V1 is a filter as the v1 API sees it: one keyword of a filter, with the
// filter's context, action and expiry. Its ID is the keyword's.
type V1 struct {
	Keyword storage.FilterKeyword
	Filter  storage.Filter
}

// V1Draft is a v1 filter to create, or the changes to one (nil fields
// stay as they are).
type V1Draft struct {
	Phrase       *string
	Context      *[]string
	Irreversible *bool
	WholeWord    *bool
	Expiry       Expiry
}

// V1List returns every keyword of owner's filters as a v1 filter.
func (s *Service) V1List(ctx context.Context, owner *storage.Account) ([]V1, error) {
	kws, filters, err := s.store.FilterKeywordsOf(ctx, owner.ID)
	if err != nil {
		return nil, fmt.Errorf("filter: v1 list: %w", err)
	}
	out := make([]V1, 0, len(kws))
	for _, k := range kws {
		if f, ok := filters[k.FilterID]; ok {
			out = append(out, V1{Keyword: k, Filter: f})
		}
	}
	return out, nil
}

// V1Get returns one of owner's keywords as a v1 filter.
func (s *Service) V1Get(ctx context.Context, owner *storage.Account, keywordID int64) (*V1, error) {
	k, f, err := s.store.FilterKeywordOf(ctx, owner.ID, keywordID)
	if err != nil {
		return nil, notFound("filter: v1 get", err)
	}
	return &V1{Keyword: *k, Filter: *f}, nil
}

// V1Create stores a filter titled with the phrase, holding the phrase as
// its one keyword, as Mastodon maps a v1 filter.
func (s *Service) V1Create(ctx context.Context, owner *storage.Account, d V1Draft) (*V1, error) {
	if d.Phrase == nil {
		return nil, core.Invalid("phrase", "can't be blank")
	}
	fd := Draft{Title: d.Phrase, Context: d.Context, Action: v1Action(d.Irreversible), Expiry: d.Expiry,
		Keywords: []KeywordChange{{Keyword: d.Phrase, WholeWord: d.WholeWord}}}
	set, err := s.Create(ctx, owner, fd)
	if err != nil {
		return nil, err
	}
	return &V1{Keyword: set.Keywords[0], Filter: set.Filter}, nil
}

// V1Update changes a keyword and its filter. The phrase renames the filter
// too; changing the filter (title, context, action, expiry) of a filter
// holding several keywords is refused, as in Mastodon, since it would
// change the other keywords' filters as well.
func (s *Service) V1Update(ctx context.Context, owner *storage.Account, keywordID int64, d V1Draft) (*V1, error) {
	var out V1
	err := s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		k, f, err := tx.FilterKeywordOf(ctx, owner.ID, keywordID)
		if err != nil {
			return notFound("", err)
		}
		if err := setKeyword(k, KeywordChange{Keyword: d.Phrase, WholeWord: d.WholeWord}); err != nil {
			return err
		}
		if err := tx.UpdateFilterKeyword(ctx, k); err != nil {
			return err
		}
		before := *f
		if err := s.apply(f, Draft{Title: d.Phrase, Context: d.Context, Action: v1Action(d.Irreversible), Expiry: d.Expiry}); err != nil {
			return err
		}
		if changed(before, *f) {
			n, err := tx.CountFilterKeywords(ctx, f.ID)
			if err != nil {
				return err
			}
			if n > 1 {
				return core.Invalid("", "The filter has several keywords: edit it through the v2 API")
			}
			if err := tx.UpdateFilter(ctx, f); err != nil {
				return err
			}
		}
		out = V1{Keyword: *k, Filter: *f}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("filter: v1 update: %w", err)
	}
	return &out, nil
}

// V1Delete removes a keyword; its filter stays, as in Mastodon.
func (s *Service) V1Delete(ctx context.Context, owner *storage.Account, keywordID int64) error {
	return s.DeleteKeyword(ctx, owner, keywordID)
}

// v1Action maps irreversible onto a filter action.
func v1Action(irreversible *bool) *string {
	if irreversible == nil {
		return nil
	}
	a := string(Warn)
	if *irreversible {
		a = string(Hide)
	}
	return &a
}

// changed reports whether a filter's own fields differ.
func changed(a, b storage.Filter) bool {
	if a.Title != b.Title || a.Context != b.Context || a.Action != b.Action {
		return true
	}
	if (a.ExpiresAt == nil) != (b.ExpiresAt == nil) {
		return true
	}
	return a.ExpiresAt != nil && !a.ExpiresAt.Equal(*b.ExpiresAt)
}
