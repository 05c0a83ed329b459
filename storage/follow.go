package storage

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"
)

// Follow is an accepted follow: AccountID follows TargetAccountID.
type Follow struct {
	bun.BaseModel `bun:"table:follows"`

	ID              int64     `bun:"id,pk"`
	AccountID       int64     `bun:"account_id,notnull"`
	TargetAccountID int64     `bun:"target_account_id,notnull"`
	ShowReblogs     bool      `bun:"show_reblogs,notnull"`
	Notify          bool      `bun:"notify,notnull"`
	URI             *string   `bun:"uri"`
	CreatedAt       time.Time `bun:"created_at,notnull"`
	UpdatedAt       time.Time `bun:"updated_at,notnull"`
}

// FollowRequest is a follow waiting for the target's approval (a locked
// target, or a remote one that has not answered yet).
type FollowRequest struct {
	bun.BaseModel `bun:"table:follow_requests"`

	ID              int64     `bun:"id,pk"`
	AccountID       int64     `bun:"account_id,notnull"`
	TargetAccountID int64     `bun:"target_account_id,notnull"`
	ShowReblogs     bool      `bun:"show_reblogs,notnull"`
	Notify          bool      `bun:"notify,notnull"`
	URI             *string   `bun:"uri"`
	CreatedAt       time.Time `bun:"created_at,notnull"`
	UpdatedAt       time.Time `bun:"updated_at,notnull"`
}

// Block is AccountID blocking TargetAccountID.
type Block struct {
	bun.BaseModel `bun:"table:blocks"`

	ID              int64     `bun:"id,pk"`
	AccountID       int64     `bun:"account_id,notnull"`
	TargetAccountID int64     `bun:"target_account_id,notnull"`
	URI             *string   `bun:"uri"`
	CreatedAt       time.Time `bun:"created_at,notnull"`
}

// UpsertFollow stores a follow, or updates the options of an existing one
// between the same accounts.
func (s *Store) UpsertFollow(ctx context.Context, f *Follow) error {
	now := time.Now().UTC()
	if f.ID == 0 {
		f.ID = s.NewID()
	}
	f.CreatedAt, f.UpdatedAt = now, now
	_, err := s.idb.NewInsert().Model(f).
		On("CONFLICT (account_id, target_account_id) DO UPDATE").
		Set("show_reblogs = EXCLUDED.show_reblogs").Set("notify = EXCLUDED.notify").Set("updated_at = EXCLUDED.updated_at").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("storage: follow: %w", classify(err))
	}
	return nil
}

// UpsertFollowRequest stores a follow request, or updates the options of a
// pending one between the same accounts. It reports whether it was new.
func (s *Store) UpsertFollowRequest(ctx context.Context, r *FollowRequest) (bool, error) {
	old, err := s.FollowRequestBetween(ctx, r.AccountID, r.TargetAccountID)
	if err == nil {
		_, err := s.idb.NewUpdate().Model((*FollowRequest)(nil)).
			Set("show_reblogs = ?", r.ShowReblogs).Set("notify = ?", r.Notify).Set("updated_at = ?", time.Now().UTC()).
			Where("id = ?", old.ID).Exec(ctx)
		if err != nil {
			return false, fmt.Errorf("storage: follow request: %w", classify(err))
		}
		*r = *old
		return false, nil
	}
	now := time.Now().UTC()
	r.ID, r.CreatedAt, r.UpdatedAt = s.NewID(), now, now
	if _, err := s.idb.NewInsert().Model(r).Exec(ctx); err != nil {
		return false, fmt.Errorf("storage: follow request: %w", classify(err))
	}
	return true, nil
}

// FollowBetween returns the follow of accountID to targetID.
func (s *Store) FollowBetween(ctx context.Context, accountID, targetID int64) (*Follow, error) {
	f := new(Follow)
	err := s.idb.NewSelect().Model(f).Where("account_id = ?", accountID).Where("target_account_id = ?", targetID).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: follow: %w", classify(err))
	}
	return f, nil
}

// FollowRequestBetween returns the pending request of accountID to targetID.
func (s *Store) FollowRequestBetween(ctx context.Context, accountID, targetID int64) (*FollowRequest, error) {
	r := new(FollowRequest)
	err := s.idb.NewSelect().Model(r).Where("account_id = ?", accountID).Where("target_account_id = ?", targetID).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: follow request: %w", classify(err))
	}
	return r, nil
}

// DeleteFollow removes the follow of accountID to targetID, reporting
// whether there was one.
func (s *Store) DeleteFollow(ctx context.Context, accountID, targetID int64) (bool, error) {
	return s.deleteBetween(ctx, "follows", accountID, targetID)
}

// DeleteFollowRequest removes the pending request of accountID to
// targetID, reporting whether there was one.
func (s *Store) DeleteFollowRequest(ctx context.Context, accountID, targetID int64) (bool, error) {
	return s.deleteBetween(ctx, "follow_requests", accountID, targetID)
}

// DeleteBlock removes accountID's block of targetID, reporting whether
// there was one.
func (s *Store) DeleteBlock(ctx context.Context, accountID, targetID int64) (bool, error) {
	return s.deleteBetween(ctx, "blocks", accountID, targetID)
}

func (s *Store) deleteBetween(ctx context.Context, table string, accountID, targetID int64) (bool, error) {
	res, err := s.idb.NewDelete().TableExpr(table).
		Where("account_id = ?", accountID).Where("target_account_id = ?", targetID).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("storage: delete from %s: %w", table, classify(err))
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// InsertBlock stores a block; an existing one is left as it is.
func (s *Store) InsertBlock(ctx context.Context, b *Block) error {
	b.ID, b.CreatedAt = s.NewID(), time.Now().UTC()
	if _, err := s.idb.NewInsert().Model(b).On("CONFLICT (account_id, target_account_id) DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("storage: block: %w", classify(err))
	}
	return nil
}

// Ties are one account's relations to a set of others, each a set of the
// others' IDs.
type Ties struct {
	Following   map[int64]bool // the account follows them
	FollowedBy  map[int64]bool // they follow the account
	Requested   map[int64]bool // the account asked to follow them
	RequestedBy map[int64]bool // they asked to follow the account
	Blocking    map[int64]bool // the account blocks them
	BlockedBy   map[int64]bool // they block the account
	Notifying   map[int64]bool // the account's follow of them notifies on posts
	NoReblogs   map[int64]bool // the account's follow of them hides boosts
}

// TiesOf loads accountID's relations to each of others, in one query
// over follows, follow requests and blocks. An account has no relations to
// itself (it cannot follow, ask to follow or block itself), so it is left
// out of others, and asking about oneself alone reads nothing.
func (s *Store) TiesOf(ctx context.Context, accountID int64, others []int64) (Ties, error) {
	if accountID == 0 {
		return tiesOfBits(nil), nil
	}
	others = slices.DeleteFunc(slices.Clone(others), func(id int64) bool { return id == accountID })
	if len(others) == 0 {
		return tiesOfBits(nil), nil
	}
	slices.Sort(others)
	others = slices.Compact(others)
	ties := make([]accountTie, 0, len(others))
	err := cachedEach(ctx, s, kindTies, accountID, others, func(ctx context.Context, others []int64) (map[int64]tie, error) {
		return s.tiesOf(ctx, accountID, others)
	}, same[tie], func(id int64, t tie) { ties = append(ties, accountTie{id, t}) })
	if err != nil {
		return tiesOfBits(nil), err
	}
	return tiesOfBits(ties), nil
}

// accountTie is one other account's tie.
type accountTie struct {
	id  int64
	tie tie
}

// tiesOfBits spreads each other account's tie over the sets of Ties
// (all empty, not nil, for no ties).
func tiesOfBits(ties []accountTie) Ties {
	// Each set is made at its final size: the home page asks about 40
	// authors twice, and growing the followed set one ID at a time was
	// most of this function's time.
	var n [tieKinds]int
	for _, t := range ties {
		for k := range n {
			if t.tie&(1<<k) != 0 {
				n[k]++
			}
		}
	}
	var t Ties
	sets := t.byBit()
	for k, set := range sets {
		*set = make(map[int64]bool, n[k])
	}
	for _, t := range ties {
		for k, set := range sets {
			if t.tie&(1<<k) != 0 {
				(*set)[t.id] = true
			}
		}
	}
	return t
}

// byBit returns pointers to t's sets, indexed by the bit position of
// their relation in a tie.
func (t *Ties) byBit() [tieKinds]*map[int64]bool {
	return [tieKinds]*map[int64]bool{
		&t.Following, &t.FollowedBy, &t.Requested, &t.RequestedBy, &t.Blocking, &t.BlockedBy, &t.Notifying, &t.NoReblogs,
	}
}

// tie is one account's relations to another, as bits.
type tie uint8

// The relations a tie holds.
const (
	tieFollowing tie = 1 << iota
	tieFollowedBy
	tieRequested
	tieRequestedBy
	tieBlocking
	tieBlockedBy
	tieNotifying
	tieNoReblogs
	// tieKinds counts the relations above.
	tieKinds = iota
)

// tiesOf reads accountID's relations to each of others (not itself),
// with a zero tie for those it has none with.
func (s *Store) tiesOf(ctx context.Context, accountID int64, others []int64) (map[int64]tie, error) {
	t := make(map[int64]tie, len(others))
	for _, id := range others {
		t[id] = 0
	}
	type row struct {
		Kind                string
		AccountID, TargetID int64
		Notify, ShowReblogs bool
	}
	var rows []row
	rs, err := s.queryFixed(ctx, `WITH others(id) AS (`+s.selectIDs(1)+`)`+tiesBranches, accountID, int64List(others, s.dialect))
	if err == nil {
		for rs.Next() {
			var r row
			if err = rs.Scan(&r.Kind, &r.AccountID, &r.TargetID, &r.Notify, &r.ShowReblogs); err != nil {
				break
			}
			rows = append(rows, r)
		}
		if err == nil {
			err = rs.Err()
		}
		_ = rs.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("storage: ties: %w", classify(err))
	}
	for _, r := range rows {
		out, in := tieFollowing, tieFollowedBy
		switch r.Kind {
		case "request":
			out, in = tieRequested, tieRequestedBy
		case "block":
			out, in = tieBlocking, tieBlockedBy
		}
		if r.AccountID == accountID {
			t[r.TargetID] |= out
			if r.Kind == "follow" {
				if r.Notify {
					t[r.TargetID] |= tieNotifying
				}
				if !r.ShowReblogs {
					t[r.TargetID] |= tieNoReblogs
				}
			}
		}
		if r.TargetID == accountID {
			t[r.AccountID] |= in
		}
	}
	return t, nil
}

// tiesBranches reads accountID's (?0) follows, follow requests and blocks
// with the accounts in others, both ways. Its text never changes, so it is
// prepared once (queryFixed), with the other accounts as one array
// argument: written by bun with their IDs in the text, it was planned
// afresh by SQLite each time the read cache reloaded a reader's ties.
// Each branch probes one (account_id, target_account_id) index per other
// account; others never holds accountID, so no row matches two branches
// of one table.
const tiesBranches = `
	SELECT 'follow' AS kind, f.account_id, f.target_account_id, f.notify, f.show_reblogs FROM others CROSS JOIN follows AS f
		WHERE f.account_id = CAST(?0 AS BIGINT) AND f.target_account_id = others.id
	UNION ALL SELECT 'follow', f.account_id, f.target_account_id, f.notify, f.show_reblogs FROM others CROSS JOIN follows AS f
		WHERE f.account_id = others.id AND f.target_account_id = CAST(?0 AS BIGINT)
	UNION ALL SELECT 'request', r.account_id, r.target_account_id, FALSE, TRUE FROM others CROSS JOIN follow_requests AS r
		WHERE r.account_id = CAST(?0 AS BIGINT) AND r.target_account_id = others.id
	UNION ALL SELECT 'request', r.account_id, r.target_account_id, FALSE, TRUE FROM others CROSS JOIN follow_requests AS r
		WHERE r.account_id = others.id AND r.target_account_id = CAST(?0 AS BIGINT)
	UNION ALL SELECT 'block', b.account_id, b.target_account_id, FALSE, TRUE FROM others CROSS JOIN blocks AS b
		WHERE b.account_id = CAST(?0 AS BIGINT) AND b.target_account_id = others.id
	UNION ALL SELECT 'block', b.account_id, b.target_account_id, FALSE, TRUE FROM others CROSS JOIN blocks AS b
		WHERE b.account_id = others.id AND b.target_account_id = CAST(?0 AS BIGINT)`

// Edge is one row of a follower, following, follow-request or block list:
// the account at the other end and the row's ID, the paging cursor.
type Edge struct {
	Cursor  int64
	Account Account
}

// Followers lists the accounts following targetID, newest follow first.
func (s *Store) Followers(ctx context.Context, targetID int64, p Page) ([]Edge, error) {
	return s.edges(ctx, "follows", "account_id", "target_account_id", targetID, p)
}

// Following lists the accounts accountID follows, newest follow first.
func (s *Store) Following(ctx context.Context, accountID int64, p Page) ([]Edge, error) {
	return s.edges(ctx, "follows", "target_account_id", "account_id", accountID, p)
}

// FollowRequestsTo lists the accounts asking to follow targetID.
func (s *Store) FollowRequestsTo(ctx context.Context, targetID int64, p Page) ([]Edge, error) {
	return s.edges(ctx, "follow_requests", "account_id", "target_account_id", targetID, p)
}

// BlockedBy lists the accounts accountID blocks.
func (s *Store) BlockedBy(ctx context.Context, accountID int64, p Page) ([]Edge, error) {
	return s.edges(ctx, "blocks", "target_account_id", "account_id", accountID, p)
}

// CountFollowRequests counts the requests waiting for targetID.
func (s *Store) CountFollowRequests(ctx context.Context, targetID int64) (int, error) {
	return cachedOne(ctx, s, kindFollowRequests, targetID, func(ctx context.Context) (int, error) {
		return s.countFollowRequests(ctx, targetID)
	}, same[int])
}

func (s *Store) countFollowRequests(ctx context.Context, targetID int64) (int, error) {
	n, err := s.idb.NewSelect().Model((*FollowRequest)(nil)).Where("target_account_id = ?", targetID).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("storage: count follow requests: %w", classify(err))
	}
	return int(n), nil
}

// edges pages through table joining accounts on other where self = id.
func (s *Store) edges(ctx context.Context, table, other, self string, id int64, p Page) ([]Edge, error) {
	var ids []struct {
		ID    int64 `bun:"id"`
		Other int64 `bun:"other"`
	}
	q := s.idb.NewSelect().TableExpr(table+" AS e").ColumnExpr("e.id, e."+other+" AS other").
		Where("e."+self+" = ?", id).
		Where("e." + other + " NOT IN (SELECT id FROM accounts WHERE suspended_at IS NOT NULL)")
	if err := p.apply(q, "e.id").Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("storage: %s: %w", table, classify(err))
	}
	ids = finish(p, ids)
	accountIDs := make([]int64, len(ids))
	for i, r := range ids {
		accountIDs[i] = r.Other
	}
	accts, err := s.AccountsByIDs(ctx, accountIDs)
	if err != nil {
		return nil, err
	}
	out := make([]Edge, 0, len(ids))
	for _, r := range ids {
		if a, ok := accts[r.Other]; ok {
			out = append(out, Edge{Cursor: r.ID, Account: *a})
		}
	}
	return out, nil
}

// AccountsByIDs returns the accounts among ids, keyed by ID, without
// their private keys (PrivateKeyPEM is nil): these are accounts to show,
// and a page of statuses reads dozens of them, so the key (most of a local
// account's row) is not read and copied only to be dropped. Code that
// signs reads the key with AccountByID.
func (s *Store) AccountsByIDs(ctx context.Context, ids []int64) (map[int64]*Account, error) {
	return cachedByID(ctx, s, kindAccount, ids, s.accountsByIDs, copyOf[Account])
}

func (s *Store) accountsByIDs(ctx context.Context, ids []int64) (map[int64]*Account, error) {
	out := map[int64]*Account{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []Account
	rs, err := s.queryFixed(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id IN (`+s.selectIDs(0)+`)`,
		int64List(ids, s.dialect))
	if err == nil {
		err = s.db.ScanRows(ctx, rs, &rows)
	}
	if err != nil {
		return nil, fmt.Errorf("storage: accounts by id: %w", classify(err))
	}
	for i := range rows {
		out[rows[i].ID] = &rows[i]
	}
	return out, nil
}

// AccountStats are the counts an account's profile shows.
type AccountStats struct {
	Statuses  int
	Followers int
	Following int
	// LastStatusAt is when the newest undeleted status was written, nil
	// when there is none.
	LastStatusAt *time.Time
}

// AccountStatsOf returns the counters of each account, one row read per
// account: statuses (kept by InsertStatus and DeleteStatus; direct
// messages do not count, as in Mastodon), followers and following (kept
// by triggers on follows, migration 20261127010000). An account with no
// row has nothing to count.
func (s *Store) AccountStatsOf(ctx context.Context, ids []int64) (map[int64]AccountStats, error) {
	return cachedByID(ctx, s, kindStats, ids, s.accountStatsOf, same[AccountStats])
}

func (s *Store) accountStatsOf(ctx context.Context, ids []int64) (map[int64]AccountStats, error) {
	out := make(map[int64]AccountStats, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		AccountID    int64      `bun:"account_id"`
		Statuses     int        `bun:"statuses_count"`
		Followers    int        `bun:"followers_count"`
		Following    int        `bun:"following_count"`
		LastStatusAt *time.Time `bun:"last_status_at"`
	}
	// Prepared, as every post and each reader's first page after a
	// read-cache window reads it: bun's text, parsed and planned afresh
	// each time, was 8 % of the CPU of posting on SQLite.
	rs, err := s.queryFixed(ctx, `SELECT account_id, statuses_count, followers_count, following_count, last_status_at
		FROM account_stats WHERE account_id IN (`+s.selectIDs(0)+`)`, int64List(ids, s.dialect))
	if err == nil {
		err = s.db.ScanRows(ctx, rs, &rows)
	}
	if err != nil {
		return nil, fmt.Errorf("storage: account stats: %w", classify(err))
	}
	for _, r := range rows {
		st := AccountStats{Statuses: r.Statuses, Followers: r.Followers, Following: r.Following}
		if r.LastStatusAt != nil {
			at := r.LastStatusAt.UTC()
			st.LastStatusAt = &at
		}
		out[r.AccountID] = st
	}
	return out, nil
}
