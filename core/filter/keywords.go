package filter

import (
	"context"
	"errors"
	"fmt"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/storage"
)

// Keywords returns the keywords of one of owner's filters.
func (s *Service) Keywords(ctx context.Context, owner *storage.Account, filterID int64) ([]storage.FilterKeyword, error) {
	set, err := s.Get(ctx, owner, filterID)
	if err != nil {
		return nil, err
	}
	return set.Keywords, nil
}

// AddKeyword adds a keyword to one of owner's filters.
func (s *Service) AddKeyword(ctx context.Context, owner *storage.Account, filterID int64, ch KeywordChange) (*storage.FilterKeyword, error) {
	k := &storage.FilterKeyword{FilterID: filterID, WholeWord: true}
	err := s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		if _, err := tx.FilterOf(ctx, owner.ID, filterID); err != nil {
			return notFound("", err)
		}
		if err := setKeyword(k, ch); err != nil {
			return err
		}
		if n, err := tx.CountFilterKeywords(ctx, filterID); err != nil || n >= MaxKeywords {
			if err != nil {
				return err
			}
			return core.Invalid("keywords", fmt.Sprintf("are too many (maximum is %d)", MaxKeywords))
		}
		return tx.InsertFilterKeyword(ctx, k)
	})
	if err != nil {
		return nil, fmt.Errorf("filter: add keyword: %w", err)
	}
	return k, nil
}

// Keyword returns a keyword of one of owner's filters.
func (s *Service) Keyword(ctx context.Context, owner *storage.Account, id int64) (*storage.FilterKeyword, error) {
	k, _, err := s.store.FilterKeywordOf(ctx, owner.ID, id)
	if err != nil {
		return nil, notFound("filter: keyword", err)
	}
	return k, nil
}

// UpdateKeyword changes a keyword of one of owner's filters.
func (s *Service) UpdateKeyword(ctx context.Context, owner *storage.Account, id int64, ch KeywordChange) (*storage.FilterKeyword, error) {
	k, err := s.Keyword(ctx, owner, id)
	if err != nil {
		return nil, err
	}
	if err := setKeyword(k, ch); err != nil {
		return nil, err
	}
	if err := s.store.UpdateFilterKeyword(ctx, k); err != nil {
		return nil, notFound("filter: update keyword", err)
	}
	return k, nil
}

// DeleteKeyword removes a keyword of one of owner's filters.
func (s *Service) DeleteKeyword(ctx context.Context, owner *storage.Account, id int64) error {
	k, err := s.Keyword(ctx, owner, id)
	if err != nil {
		return err
	}
	if err := s.store.DeleteFilterKeyword(ctx, k.FilterID, k.ID); err != nil {
		return notFound("filter: delete keyword", err)
	}
	return nil
}

// Statuses returns the statuses one of owner's filters names.
func (s *Service) Statuses(ctx context.Context, owner *storage.Account, filterID int64) ([]storage.FilterStatus, error) {
	set, err := s.Get(ctx, owner, filterID)
	if err != nil {
		return nil, err
	}
	return set.Statuses, nil
}

// AddStatus makes one of owner's filters name a status owner may see.
func (s *Service) AddStatus(ctx context.Context, owner *storage.Account, filterID, statusID int64) (*storage.FilterStatus, error) {
	if _, err := s.store.FilterOf(ctx, owner.ID, filterID); err != nil {
		return nil, notFound("filter: add status", err)
	}
	if statusID == 0 {
		return nil, core.Invalid("status_id", "can't be blank")
	}
	if err := s.canSee(ctx, owner, statusID); err != nil {
		if errors.Is(err, core.ErrNotFound) {
			return nil, core.Invalid("status_id", "is invalid")
		}
		return nil, fmt.Errorf("filter: add status: %w", err)
	}
	fs := &storage.FilterStatus{FilterID: filterID, StatusID: statusID}
	if err := s.store.InsertFilterStatus(ctx, fs); err != nil {
		if errors.Is(err, storage.ErrConflict) {
			return nil, core.Invalid("status_id", "has already been taken")
		}
		return nil, fmt.Errorf("filter: add status: %w", err)
	}
	return fs, nil
}

// Status returns a status entry of one of owner's filters.
func (s *Service) Status(ctx context.Context, owner *storage.Account, id int64) (*storage.FilterStatus, error) {
	fs, err := s.store.FilterStatusOf(ctx, owner.ID, id)
	if err != nil {
		return nil, notFound("filter: status", err)
	}
	return fs, nil
}

// RemoveStatus removes a status entry of one of owner's filters.
func (s *Service) RemoveStatus(ctx context.Context, owner *storage.Account, id int64) error {
	fs, err := s.Status(ctx, owner, id)
	if err != nil {
		return err
	}
	if err := s.store.DeleteFilterStatus(ctx, fs.FilterID, fs.ID); err != nil {
		return notFound("filter: remove status", err)
	}
	return nil
}
