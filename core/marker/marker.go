package marker

import (
	"context"
	"fmt"
	"slices"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/storage"
)

// The timelines a marker may be set on.
const (
	Home          = "home"
	Notifications = "notifications"
)

// Timelines lists them.
var Timelines = []string{Home, Notifications}

// Service keeps read markers over a Store.
type Service struct {
	store *storage.Store
}

// New returns a Service.
func New(store *storage.Store) *Service { return &Service{store: store} }

// Get returns viewer's markers for the timelines asked for, keyed by
// timeline; unknown timelines and unset markers are left out.
func (s *Service) Get(ctx context.Context, viewer *storage.Account, timelines []string) (map[string]storage.Marker, error) {
	var known []string
	for _, t := range timelines {
		if slices.Contains(Timelines, t) && !slices.Contains(known, t) {
			known = append(known, t)
		}
	}
	m, err := s.store.MarkersOf(ctx, viewer.ID, known)
	if err != nil {
		return nil, fmt.Errorf("marker: get: %w", err)
	}
	return m, nil
}

// Set saves viewer's markers: for each timeline named in lastRead, the ID
// of the last status or notification read there. It returns the saved
// markers, keyed by timeline.
func (s *Service) Set(ctx context.Context, viewer *storage.Account, lastRead map[string]int64) (map[string]storage.Marker, error) {
	out := map[string]storage.Marker{}
	for t, id := range lastRead {
		if !slices.Contains(Timelines, t) {
			return nil, core.Invalid("timeline", "must be home or notifications")
		}
		if id <= 0 {
			return nil, core.Invalid(t+"[last_read_id]", "can't be blank")
		}
	}
	err := s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		for _, t := range Timelines {
			id, ok := lastRead[t]
			if !ok {
				continue
			}
			m, err := tx.SaveMarker(ctx, viewer.ID, t, id)
			if err != nil {
				return err
			}
			out[t] = *m
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("marker: set: %w", err)
	}
	return out, nil
}
