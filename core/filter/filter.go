package filter

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/storage"
)

// Limits on what one person may store.
const (
	// MaxFilters is how many filters an account may have.
	MaxFilters = 100
	// MaxKeywords is how many keywords a filter may hold.
	MaxKeywords = 100
	// MaxTitle and MaxKeyword are the longest title and keyword, in
	// characters.
	MaxTitle   = 256
	MaxKeyword = 256
)

// CanSee reports (nil) whether viewer may see the status; the filter
// service asks it before a filter may name a status.
type CanSee func(ctx context.Context, viewer *storage.Account, statusID int64) error

// Service keeps people's filters over a Store.
type Service struct {
	store  *storage.Store
	canSee CanSee
	now    func() time.Time
}

// New returns a Service.
func New(store *storage.Store, canSee CanSee) *Service {
	return &Service{store: store, canSee: canSee, now: time.Now}
}

// Load returns accountID's filters active at now, compiled.
func Load(ctx context.Context, store *storage.Store, accountID int64, now time.Time) (*Rules, error) {
	sets, err := store.FilterSets(ctx, accountID, &now)
	if err != nil {
		return nil, fmt.Errorf("filter: load: %w", err)
	}
	return Compile(sets, now), nil
}

// Expiry is a requested change of a filter's expiry.
type Expiry struct {
	// Set is false to leave the expiry as it is.
	Set bool
	// In is how long from now the filter lasts; 0 means for ever.
	In time.Duration
}

// KeywordChange adds (ID 0), changes or (Destroy) removes a keyword.
type KeywordChange struct {
	ID        int64
	Keyword   *string
	WholeWord *bool
	Destroy   bool
}

// Draft is a filter to create, or the changes to one: nil fields stay
// as they are (creating needs Title and Context).
type Draft struct {
	Title    *string
	Context  *[]string
	Action   *string
	Expiry   Expiry
	Keywords []KeywordChange
}

// List returns owner's filters with their keywords and statuses.
func (s *Service) List(ctx context.Context, owner *storage.Account) ([]storage.FilterSet, error) {
	sets, err := s.store.FilterSets(ctx, owner.ID, nil)
	if err != nil {
		return nil, fmt.Errorf("filter: list: %w", err)
	}
	return sets, nil
}

// Get returns one of owner's filters; ErrNotFound for anyone else's.
func (s *Service) Get(ctx context.Context, owner *storage.Account, id int64) (*storage.FilterSet, error) {
	set, err := s.store.FilterSetOf(ctx, owner.ID, id)
	if err != nil {
		return nil, notFound("filter: get", err)
	}
	return set, nil
}

// Create stores a new filter for owner.
func (s *Service) Create(ctx context.Context, owner *storage.Account, d Draft) (*storage.FilterSet, error) {
	if d.Title == nil {
		return nil, core.Invalid("title", "can't be blank")
	}
	if d.Context == nil {
		return nil, core.Invalid("context", "can't be blank")
	}
	f := &storage.Filter{AccountID: owner.ID, Action: string(Warn)}
	if err := s.apply(f, d); err != nil {
		return nil, err
	}
	err := s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		n, err := tx.CountFilters(ctx, owner.ID)
		if err != nil {
			return err
		}
		if n >= MaxFilters {
			return core.Invalid("", fmt.Sprintf("You cannot have more than %d filters", MaxFilters))
		}
		if err := tx.InsertFilter(ctx, f); err != nil {
			return err
		}
		return s.changeKeywords(ctx, tx, f.ID, d.Keywords)
	})
	if err != nil {
		return nil, fmt.Errorf("filter: create: %w", err)
	}
	return s.Get(ctx, owner, f.ID)
}

// Update changes one of owner's filters.
func (s *Service) Update(ctx context.Context, owner *storage.Account, id int64, d Draft) (*storage.FilterSet, error) {
	err := s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		f, err := tx.FilterOf(ctx, owner.ID, id)
		if err != nil {
			return notFound("", err)
		}
		if err := s.apply(f, d); err != nil {
			return err
		}
		if err := tx.UpdateFilter(ctx, f); err != nil {
			return err
		}
		return s.changeKeywords(ctx, tx, f.ID, d.Keywords)
	})
	if err != nil {
		return nil, fmt.Errorf("filter: update: %w", err)
	}
	return s.Get(ctx, owner, id)
}

// Delete removes one of owner's filters.
func (s *Service) Delete(ctx context.Context, owner *storage.Account, id int64) error {
	if err := s.store.DeleteFilter(ctx, owner.ID, id); err != nil {
		return notFound("filter: delete", err)
	}
	return nil
}

// apply checks d and copies it onto f.
func (s *Service) apply(f *storage.Filter, d Draft) error {
	if d.Title != nil {
		t := strings.TrimSpace(*d.Title)
		if t == "" {
			return core.Invalid("title", "can't be blank")
		}
		if utf8.RuneCountInString(t) > MaxTitle {
			return core.Invalid("title", fmt.Sprintf("is too long (maximum is %d characters)", MaxTitle))
		}
		f.Title = t
	}
	if d.Context != nil {
		c, err := parseContext(*d.Context)
		if err != nil {
			return err
		}
		f.Context = c
	}
	if d.Action != nil {
		switch Action(*d.Action) {
		case Warn, Hide:
			f.Action = *d.Action
		default:
			return core.Invalid("filter_action", "must be warn or hide")
		}
	}
	if d.Expiry.Set {
		switch {
		case d.Expiry.In < 0:
			return core.Invalid("expires_in", "must be a positive number of seconds")
		case d.Expiry.In == 0:
			f.ExpiresAt = nil
		default:
			at := s.now().Add(d.Expiry.In).UTC()
			f.ExpiresAt = &at
		}
	}
	return nil
}

// parseContext checks a context list and joins it for storage.
func parseContext(in []string) (string, error) {
	var out []string
	for _, c := range in {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if !slices.Contains(Contexts, Context(c)) {
			return "", core.Invalid("context", "contains one or more invalid context values")
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return "", core.Invalid("context", "can't be blank")
	}
	return strings.Join(out, ","), nil
}

// changeKeywords applies keyword changes to filter filterID.
func (s *Service) changeKeywords(ctx context.Context, tx *storage.Store, filterID int64, changes []KeywordChange) error {
	for _, ch := range changes {
		switch {
		case ch.ID == 0 && ch.Destroy:
			continue
		case ch.ID == 0:
			if ch.Keyword == nil && ch.WholeWord == nil {
				continue // all blank: skipped, as Rails' reject_if does
			}
			k := &storage.FilterKeyword{FilterID: filterID, WholeWord: true}
			if err := setKeyword(k, ch); err != nil {
				return err
			}
			if err := tx.InsertFilterKeyword(ctx, k); err != nil {
				return err
			}
		case ch.Destroy:
			if err := tx.DeleteFilterKeyword(ctx, filterID, ch.ID); err != nil {
				return notFound("", err)
			}
		default:
			k, err := keywordOfFilter(ctx, tx, filterID, ch.ID)
			if err != nil {
				return err
			}
			if err := setKeyword(k, ch); err != nil {
				return err
			}
			if err := tx.UpdateFilterKeyword(ctx, k); err != nil {
				return err
			}
		}
	}
	n, err := tx.CountFilterKeywords(ctx, filterID)
	if err != nil {
		return err
	}
	if n > MaxKeywords {
		return core.Invalid("keywords", fmt.Sprintf("are too many (maximum is %d)", MaxKeywords))
	}
	return nil
}

// keywordOfFilter returns keyword id of filter filterID; ErrNotFound
// when the filter has no such keyword.
func keywordOfFilter(ctx context.Context, tx *storage.Store, filterID, id int64) (*storage.FilterKeyword, error) {
	k, err := tx.FilterKeywordIn(ctx, filterID, id)
	if err != nil {
		return nil, notFound("", err)
	}
	return k, nil
}

// setKeyword checks a keyword change and copies it onto k.
func setKeyword(k *storage.FilterKeyword, ch KeywordChange) error {
	if ch.Keyword != nil {
		kw := strings.TrimSpace(*ch.Keyword)
		if kw == "" {
			return core.Invalid("keyword", "can't be blank")
		}
		if utf8.RuneCountInString(kw) > MaxKeyword {
			return core.Invalid("keyword", fmt.Sprintf("is too long (maximum is %d characters)", MaxKeyword))
		}
		k.Keyword = kw
	} else if k.Keyword == "" {
		return core.Invalid("keyword", "can't be blank")
	}
	if ch.WholeWord != nil {
		k.WholeWord = *ch.WholeWord
	}
	return nil
}

// notFound turns storage's not-found into the API's, with an operation
// prefix (none when op is "").
func notFound(op string, err error) error {
	if errors.Is(err, storage.ErrNotFound) {
		err = core.Errorf(core.ErrNotFound, "Record not found")
	}
	if op == "" {
		return err
	}
	return fmt.Errorf("%s: %w", op, err)
}
