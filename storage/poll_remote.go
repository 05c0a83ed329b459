package storage

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// maxChoiceRetries bounds AddPollChoice's compare-and-set loop, which only
// repeats when the same voter's choices arrive at the same moment.
const maxChoiceRetries = 5

// AddPollChoice records that accountID chose the option choice in a poll,
// in the activity uri: the voter's first choice makes its vote (one more
// voter), a further one joins it when multiple. ErrConflict when the
// voter has voted already in a poll of one choice, or chose that option
// already. Safe when several choices of one voter arrive at once.
func (s *Store) AddPollChoice(ctx context.Context, pollID, accountID int64, choice int, uri string, multiple bool) error {
	now := time.Now().UTC()
	return s.InTx(ctx, func(ctx context.Context, tx *Store) error {
		newVoter := false
		for attempt := 0; ; attempt++ {
			if attempt == maxChoiceRetries {
				return fmt.Errorf("storage: poll choice: %w", ErrConflict)
			}
			res, err := tx.idb.NewRaw(`INSERT INTO poll_votes (poll_id, account_id, choices, uri, created_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (poll_id, account_id) DO NOTHING`, pollID, accountID, formatChoices([]int{choice}), uri, now).Exec(ctx)
			if err != nil {
				return fmt.Errorf("storage: poll choice: %w", classify(err))
			}
			if n, _ := res.RowsAffected(); n > 0 {
				newVoter = true
				break
			}
			if !multiple {
				return fmt.Errorf("storage: poll choice: %w", ErrConflict)
			}
			var old string
			if err := tx.idb.NewRaw(`SELECT choices FROM poll_votes WHERE poll_id = ? AND account_id = ?`, pollID, accountID).Scan(ctx, &old); err != nil {
				return fmt.Errorf("storage: poll choice: %w", classify(err))
			}
			chosen := parseChoices(old)
			if slices.Contains(chosen, choice) {
				return fmt.Errorf("storage: poll choice: %w", ErrConflict)
			}
			res, err = tx.idb.NewRaw(`UPDATE poll_votes SET choices = ? WHERE poll_id = ? AND account_id = ? AND choices = ?`,
				formatChoices(append(chosen, choice)), pollID, accountID, old).Exec(ctx)
			if err != nil {
				return fmt.Errorf("storage: poll choice: %w", classify(err))
			}
			if n, _ := res.RowsAffected(); n > 0 {
				break
			}
		}
		if _, err := tx.idb.NewRaw(`UPDATE poll_options SET votes_count = votes_count + 1 WHERE poll_id = ? AND ordinal = ?`,
			pollID, choice).Exec(ctx); err != nil {
			return fmt.Errorf("storage: poll choice: %w", classify(err))
		}
		voters := 0
		if newVoter {
			voters = 1
		}
		res, err := tx.idb.NewRaw(`UPDATE polls SET votes_count = votes_count + 1, voters_count = voters_count + ?, updated_at = ? WHERE id = ?`,
			voters, now, pollID).Exec(ctx)
		return checkUpdated(res, err, "poll choice")
	})
}

// RefreshPoll replaces what a remote poll's server says of it: whether it
// takes several choices, its end, its voters and each option's tally
// (p.Options, in order). When the options' titles differ from the stored
// ones the options are replaced and the votes cast here are dropped, as
// Mastodon does when a poll is edited; it reports whether they were.
func (s *Store) RefreshPoll(ctx context.Context, p *Poll) (reset bool, err error) {
	now := time.Now().UTC()
	err = s.InTx(ctx, func(ctx context.Context, tx *Store) error {
		stored, err := tx.PollByID(ctx, p.ID)
		if err != nil {
			return err
		}
		reset = len(stored.Options) != len(p.Options)
		for i := 0; !reset && i < len(p.Options); i++ {
			reset = stored.Options[i].Title != p.Options[i].Title
		}
		total := 0
		for _, o := range p.Options {
			total += o.VotesCount
		}
		var expires *time.Time
		if p.ExpiresAt != nil {
			at := p.ExpiresAt.UTC()
			expires = &at
		}
		if _, err := tx.idb.NewRaw(`UPDATE polls SET multiple = ?, expires_at = ?, votes_count = ?, voters_count = ?, updated_at = ? WHERE id = ?`,
			p.Multiple, expires, total, p.VotersCount, now, p.ID).Exec(ctx); err != nil {
			return fmt.Errorf("storage: refresh poll: %w", classify(err))
		}
		if reset {
			for _, q := range []string{`DELETE FROM poll_votes WHERE poll_id = ?`, `DELETE FROM poll_options WHERE poll_id = ?`} {
				if _, err := tx.idb.NewRaw(q, p.ID).Exec(ctx); err != nil {
					return fmt.Errorf("storage: refresh poll: %w", classify(err))
				}
			}
			for i := range p.Options {
				o := PollOption{PollID: p.ID, Ordinal: i, Title: p.Options[i].Title, VotesCount: p.Options[i].VotesCount}
				if _, err := tx.idb.NewInsert().Model(&o).Exec(ctx); err != nil {
					return fmt.Errorf("storage: refresh poll option: %w", classify(err))
				}
			}
			return nil
		}
		for i, o := range p.Options {
			if _, err := tx.idb.NewRaw(`UPDATE poll_options SET votes_count = ? WHERE poll_id = ? AND ordinal = ?`,
				o.VotesCount, p.ID, i).Exec(ctx); err != nil {
				return fmt.Errorf("storage: refresh poll option: %w", classify(err))
			}
		}
		return nil
	})
	return reset, err
}

// PollByStatusID returns the poll of a status with its options.
func (s *Store) PollByStatusID(ctx context.Context, statusID int64) (*Poll, error) {
	polls, err := s.PollsForStatuses(ctx, []int64{statusID})
	if err != nil {
		return nil, err
	}
	p, ok := polls[statusID]
	if !ok {
		return nil, fmt.Errorf("storage: poll of status %d: %w", statusID, ErrNotFound)
	}
	return p, nil
}

// PollHasRemoteAudience reports whether a local poll concerns another
// server at all: its author has a remote follower, its status mentions a
// remote account, or a remote account voted in it.
func (s *Store) PollHasRemoteAudience(ctx context.Context, authorID, statusID, pollID int64) (bool, error) {
	var n int
	err := s.idb.NewRaw(`SELECT CASE WHEN
		EXISTS (SELECT 1 FROM follows f JOIN accounts a ON a.id = f.account_id WHERE f.target_account_id = ? AND a.domain <> '')
		OR EXISTS (SELECT 1 FROM status_mentions m JOIN accounts a ON a.id = m.account_id WHERE m.status_id = ? AND a.domain <> '')
		OR EXISTS (SELECT 1 FROM poll_votes v JOIN accounts a ON a.id = v.account_id WHERE v.poll_id = ? AND a.domain <> '')
		THEN 1 ELSE 0 END`, authorID, statusID, pollID).Scan(ctx, &n)
	if err != nil {
		return false, fmt.Errorf("storage: poll audience: %w", classify(err))
	}
	return n == 1, nil
}
