package storage

import (
	"context"
	"fmt"
	"time"
)

// Peers returns the other domains this instance knows accounts on, in
// alphabetical order.
func (s *Store) Peers(ctx context.Context) ([]string, error) {
	out := []string{}
	if err := s.idb.NewSelect().Model((*Account)(nil)).ColumnExpr("DISTINCT domain").
		Where("domain <> ''").OrderExpr("domain ASC").Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("storage: peers: %w", classify(err))
	}
	return out, nil
}

// WeekActivity is one week of this instance's activity.
type WeekActivity struct {
	// Week is the week's start.
	Week time.Time
	// Statuses counts local statuses posted (boosts and deleted ones not
	// counted), Logins the local people who signed in to an app (were
	// issued a token), Registrations the sign-ups.
	Statuses, Logins, Registrations int
}

// Activity counts WeekActivity for each of the weeks starting at starts
// (each a week long).
func (s *Store) Activity(ctx context.Context, starts []time.Time) ([]WeekActivity, error) {
	out := make([]WeekActivity, len(starts))
	for i, start := range starts {
		end := start.AddDate(0, 0, 7)
		w := WeekActivity{Week: start}
		err := s.idb.NewRaw(`SELECT
			(SELECT count(*) FROM statuses WHERE local = TRUE AND reblog_of_id IS NULL AND deleted_at IS NULL AND id >= ? AND id < ?) AS statuses,
			(SELECT count(DISTINCT user_id) FROM oauth_tokens WHERE user_id IS NOT NULL AND created_at >= ? AND created_at < ?) AS logins,
			(SELECT count(*) FROM users WHERE created_at >= ? AND created_at < ?) AS registrations`,
			IDAt(start), IDAt(end), start.UTC(), end.UTC(), start.UTC(), end.UTC()).
			Scan(ctx, &w.Statuses, &w.Logins, &w.Registrations)
		if err != nil {
			return nil, fmt.Errorf("storage: activity: %w", classify(err))
		}
		out[i] = w
	}
	return out, nil
}
