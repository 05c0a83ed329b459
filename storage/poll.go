package storage

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Poll is a status's poll. Its tallies are counters kept with the votes
// (InsertPollVote). ClosedAt is set once, when the poll's end has been
// processed (its notifications sent).
type Poll struct {
	bun.BaseModel `bun:"table:polls"`

	ID          int64      `bun:"id,pk"`
	StatusID    int64      `bun:"status_id,notnull"`
	AccountID   int64      `bun:"account_id,notnull"`
	Multiple    bool       `bun:"multiple,notnull"`
	HideTotals  bool       `bun:"hide_totals,notnull"`
	ExpiresAt   *time.Time `bun:"expires_at"`
	ClosedAt    *time.Time `bun:"closed_at"`
	VotesCount  int        `bun:"votes_count,notnull"`
	VotersCount int        `bun:"voters_count,notnull"`
	CreatedAt   time.Time  `bun:"created_at,notnull"`
	UpdatedAt   time.Time  `bun:"updated_at,notnull"`

	// Options are the poll's answers in order, loaded with it.
	Options []PollOption `bun:"-"`
}

// PollOption is one answer of a poll with its tally.
type PollOption struct {
	bun.BaseModel `bun:"table:poll_options"`

	PollID     int64  `bun:"poll_id,pk"`
	Ordinal    int    `bun:"ordinal,pk"`
	Title      string `bun:"title,notnull"`
	VotesCount int    `bun:"votes_count,notnull"`
}

// Expired reports whether the poll is over at now: closed, or past its end.
func (p *Poll) Expired(now time.Time) bool {
	return p.ClosedAt != nil || (p.ExpiresAt != nil && !now.Before(*p.ExpiresAt))
}

// InsertPoll stores a poll with its options (Options' titles, in order),
// filling in its ID and timestamps. Call it in the status's transaction.
func (s *Store) InsertPoll(ctx context.Context, p *Poll) error {
	now := time.Now().UTC()
	if p.ID == 0 {
		p.ID = s.NewID()
	}
	p.CreatedAt, p.UpdatedAt = now, now
	if p.ExpiresAt != nil {
		at := p.ExpiresAt.UTC()
		p.ExpiresAt = &at
	}
	return s.InTx(ctx, func(ctx context.Context, tx *Store) error {
		if _, err := tx.idb.NewInsert().Model(p).Exec(ctx); err != nil {
			return fmt.Errorf("storage: insert poll: %w", classify(err))
		}
		for i := range p.Options {
			o := &p.Options[i]
			o.PollID, o.Ordinal = p.ID, i
			if _, err := tx.idb.NewInsert().Model(o).Exec(ctx); err != nil {
				return fmt.Errorf("storage: insert poll option: %w", classify(err))
			}
		}
		return nil
	})
}

// PollByID returns the poll with that ID and its options.
func (s *Store) PollByID(ctx context.Context, id int64) (*Poll, error) {
	p := new(Poll)
	if err := s.idb.NewSelect().Model(p).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: poll %d: %w", id, classify(err))
	}
	if err := s.loadPollOptions(ctx, []*Poll{p}); err != nil {
		return nil, err
	}
	return p, nil
}

// PollsForStatuses returns the polls of the statuses with their options,
// keyed by status ID.
func (s *Store) PollsForStatuses(ctx context.Context, statusIDs []int64) (map[int64]*Poll, error) {
	out := map[int64]*Poll{}
	if len(statusIDs) == 0 {
		return out, nil
	}
	var rows []Poll
	if err := s.idb.NewSelect().Model(&rows).Where("status_id IN (?)", bun.In(statusIDs)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: polls: %w", classify(err))
	}
	ps := make([]*Poll, len(rows))
	for i := range rows {
		ps[i] = &rows[i]
		out[rows[i].StatusID] = &rows[i]
	}
	if err := s.loadPollOptions(ctx, ps); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) loadPollOptions(ctx context.Context, ps []*Poll) error {
	if len(ps) == 0 {
		return nil
	}
	byID := make(map[int64]*Poll, len(ps))
	ids := make([]int64, len(ps))
	for i, p := range ps {
		byID[p.ID], ids[i] = p, p.ID
	}
	var opts []PollOption
	if err := s.idb.NewSelect().Model(&opts).Where("poll_id IN (?)", bun.In(ids)).OrderExpr("poll_id, ordinal").Scan(ctx); err != nil {
		return fmt.Errorf("storage: poll options: %w", classify(err))
	}
	for _, o := range opts {
		p := byID[o.PollID]
		p.Options = append(p.Options, o)
	}
	return nil
}

// PollChoices returns the options accountID chose in each of the polls it
// voted in, keyed by poll ID.
func (s *Store) PollChoices(ctx context.Context, accountID int64, pollIDs []int64) (map[int64][]int, error) {
	out := map[int64][]int{}
	if accountID == 0 || len(pollIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		PollID  int64  `bun:"poll_id"`
		Choices string `bun:"choices"`
	}
	if err := s.idb.NewSelect().Table("poll_votes").Column("poll_id", "choices").
		Where("account_id = ?", accountID).Where("poll_id IN (?)", bun.In(pollIDs)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("storage: poll choices: %w", classify(err))
	}
	for _, r := range rows {
		out[r.PollID] = parseChoices(r.Choices)
	}
	return out, nil
}

// InsertPollVote records accountID's one vote in a poll, for the options
// chosen (valid, distinct ordinals), and adds it to the tallies.
// ErrConflict when the account has voted in the poll already.
func (s *Store) InsertPollVote(ctx context.Context, pollID, accountID int64, choices []int) error {
	now := time.Now().UTC()
	return s.InTx(ctx, func(ctx context.Context, tx *Store) error {
		if _, err := tx.idb.NewRaw(`INSERT INTO poll_votes (poll_id, account_id, choices, created_at) VALUES (?, ?, ?, ?)`,
			pollID, accountID, formatChoices(choices), now).Exec(ctx); err != nil {
			return fmt.Errorf("storage: vote: %w", classify(err))
		}
		if _, err := tx.idb.NewRaw(`UPDATE poll_options SET votes_count = votes_count + 1 WHERE poll_id = ? AND ordinal IN (?)`,
			pollID, bun.In(choices)).Exec(ctx); err != nil {
			return fmt.Errorf("storage: vote: %w", classify(err))
		}
		res, err := tx.idb.NewRaw(`UPDATE polls SET votes_count = votes_count + ?, voters_count = voters_count + 1, updated_at = ? WHERE id = ?`,
			len(choices), now, pollID).Exec(ctx)
		return checkUpdated(res, err, "vote")
	})
}

// ClosePoll marks the poll closed at at, and reports whether this call
// closed it (false when it was closed already).
func (s *Store) ClosePoll(ctx context.Context, id int64, at time.Time) (bool, error) {
	res, err := s.idb.NewRaw(`UPDATE polls SET closed_at = ?, updated_at = ? WHERE id = ? AND closed_at IS NULL`,
		at.UTC(), at.UTC(), id).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("storage: close poll: %w", classify(err))
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// PollVoterIDs returns the accounts that voted in the poll, in ID order.
func (s *Store) PollVoterIDs(ctx context.Context, pollID int64) ([]int64, error) {
	var ids []int64
	if err := s.idb.NewSelect().Table("poll_votes").Column("account_id").Where("poll_id = ?", pollID).
		OrderExpr("account_id").Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("storage: poll voters: %w", classify(err))
	}
	return ids, nil
}

// formatChoices stores option ordinals as "0,2".
func formatChoices(choices []int) string {
	parts := make([]string, len(choices))
	for i, c := range choices {
		parts[i] = strconv.Itoa(c)
	}
	return strings.Join(parts, ",")
}

func parseChoices(s string) []int {
	out := []int{}
	for _, part := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(part)); err == nil {
			out = append(out, n)
		}
	}
	return out
}
