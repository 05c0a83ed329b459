package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Status is a post: a local one written here, a remote one received, or a
// boost (ReblogOfID set). Local statuses have no stored URI or URL; they
// follow from the instance's domain. Deleted statuses keep their row (for
// tombstones) with DeletedAt set and their text blanked.
type Status struct {
	bun.BaseModel `bun:"table:statuses"`

	ID                 int64      `bun:"id,pk"`
	AccountID          int64      `bun:"account_id,notnull"`
	URI                *string    `bun:"uri"`
	URL                *string    `bun:"url"`
	Local              bool       `bun:"local,notnull"`
	InReplyToID        *int64     `bun:"in_reply_to_id"`
	InReplyToAccountID *int64     `bun:"in_reply_to_account_id"`
	ReblogOfID         *int64     `bun:"reblog_of_id"`
	ConversationID     *int64     `bun:"conversation_id"`
	Text               string     `bun:"text,notnull"`
	Content            string     `bun:"content,notnull"`
	SpoilerText        string     `bun:"spoiler_text,notnull"`
	Sensitive          bool       `bun:"sensitive,notnull"`
	Visibility         string     `bun:"visibility,notnull"`
	Language           *string    `bun:"language"`
	ApplicationID      *int64     `bun:"application_id"`
	CreatedAt          time.Time  `bun:"created_at,notnull"`
	UpdatedAt          time.Time  `bun:"updated_at,notnull"`
	EditedAt           *time.Time `bun:"edited_at"`
	DeletedAt          *time.Time `bun:"deleted_at"`
}

// NewStatus is a status to insert with what hangs off it.
type NewStatus struct {
	Status *Status
	// MentionIDs are the accounts the status mentions.
	MentionIDs []int64
	// Tags are normalised (lower-case) hashtag names.
	Tags []string
}

// InsertStatus stores a status with its mentions and hashtags, filling in
// its ID (when zero) and timestamps. Call it inside InTx together with the
// fan-out.
func (s *Store) InsertStatus(ctx context.Context, n NewStatus) error {
	st := n.Status
	// Microseconds, as both databases keep them: the caller's row is then
	// the row a read would return (timeline.Written answers from it).
	now := time.Now().UTC().Truncate(time.Microsecond)
	if st.ID == 0 {
		st.ID = s.NewID()
	}
	if st.CreatedAt.IsZero() {
		st.CreatedAt = now
	}
	st.UpdatedAt = now
	if st.ConversationID == nil {
		st.ConversationID = &st.ID
	}
	if _, err := s.execFixed(ctx, insertStatus, st.ID, st.AccountID, st.URI, st.URL, st.Local, st.InReplyToID,
		st.InReplyToAccountID, st.ReblogOfID, st.ConversationID, st.Text, st.Content, st.SpoilerText, st.Sensitive,
		st.Visibility, st.Language, st.ApplicationID, st.CreatedAt, st.UpdatedAt, st.EditedAt, st.DeletedAt); err != nil {
		return fmt.Errorf("storage: insert status: %w", classify(err))
	}
	if counted(st.Visibility) {
		if _, err := s.execFixed(ctx, `INSERT INTO account_stats (account_id, statuses_count, last_status_at) VALUES (?0, 1, ?1)
			ON CONFLICT (account_id) DO UPDATE SET statuses_count = account_stats.statuses_count + 1,
			last_status_at = CASE WHEN account_stats.last_status_at IS NULL OR account_stats.last_status_at < EXCLUDED.last_status_at
				THEN EXCLUDED.last_status_at ELSE account_stats.last_status_at END`, st.AccountID, st.CreatedAt); err != nil {
			return fmt.Errorf("storage: count status: %w", classify(err))
		}
	}
	return s.linkStatus(ctx, st.ID, n.MentionIDs, n.Tags)
}

// insertStatus writes every column of a Status (statusColumns, in that
// order): a fixed text, prepared once (execFixed).
var insertStatus = `INSERT INTO statuses (` + strings.ReplaceAll(statusColumns, "status.", "") + `)
	VALUES (?0, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)`

// linkStatus records the accounts a status mentions and its hashtags
// (creating tags as needed).
func (s *Store) linkStatus(ctx context.Context, statusID int64, mentionIDs []int64, tags []string) error {
	if len(mentionIDs) > 0 {
		// "WHERE TRUE": SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT.
		if _, err := s.execFixed(ctx, `INSERT INTO status_mentions (status_id, account_id)
			SELECT CAST(?0 AS BIGINT), ids.id FROM (`+s.selectIDs(1)+`) AS ids WHERE TRUE ON CONFLICT DO NOTHING`,
			statusID, int64List(mentionIDs, s.dialect)); err != nil {
			return fmt.Errorf("storage: insert mention: %w", classify(err))
		}
	}
	for _, name := range tags {
		if _, err := s.execFixed(ctx, `INSERT INTO tags (id, name, created_at) VALUES (?0, ?1, ?2) ON CONFLICT (name) DO NOTHING`,
			s.NewID(), name, time.Now().UTC()); err != nil {
			return fmt.Errorf("storage: insert tag: %w", classify(err))
		}
		if _, err := s.execFixed(ctx, `INSERT INTO status_tags (status_id, tag_id)
			SELECT CAST(?0 AS BIGINT), id FROM tags WHERE name = ?1 ON CONFLICT DO NOTHING`, statusID, name); err != nil {
			return fmt.Errorf("storage: insert status tag: %w", classify(err))
		}
	}
	return nil
}

// StatusByID returns the status with that ID unless it is deleted.
func (s *Store) StatusByID(ctx context.Context, id int64) (*Status, error) {
	st := new(Status)
	if err := s.idb.NewSelect().Model(st).Where("id = ?", id).Where("deleted_at IS NULL").Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: status %d: %w", id, classify(err))
	}
	return st, nil
}

// StatusesByIDs returns the undeleted statuses among ids, in no order.
func (s *Store) StatusesByIDs(ctx context.Context, ids []int64) ([]Status, error) {
	var out []Status
	if len(ids) == 0 {
		return out, nil
	}
	if err := s.idb.NewSelect().Model(&out).Where("id IN (?)", bun.In(ids)).Where("deleted_at IS NULL").Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: statuses by id: %w", classify(err))
	}
	return out, nil
}

// DeleteStatus marks a status deleted, blanks its text (a deleted post
// keeps no words), and removes it from every home feed, from
// notifications and from Idempotency-Key records, with its favourites,
// bookmarks, pins, edit history and boosts (deleteStatusActivity).
func (s *Store) DeleteStatus(ctx context.Context, id int64) error {
	return s.InTx(ctx, func(ctx context.Context, tx *Store) error {
		now := time.Now().UTC()
		var st Status
		err := tx.idb.NewUpdate().Model(&st).
			Set("deleted_at = ?", now).Set("updated_at = ?", now).
			Set("text = ''").Set("content = ''").Set("spoiler_text = ''").
			Where("id = ?", id).Where("deleted_at IS NULL").Returning("account_id, visibility").Scan(ctx)
		if err != nil {
			return fmt.Errorf("storage: delete status: %w", classify(err))
		}
		if counted(st.Visibility) {
			if _, err := tx.idb.NewRaw(`UPDATE account_stats SET statuses_count = statuses_count - 1 WHERE account_id = ? AND statuses_count > 0`,
				st.AccountID).Exec(ctx); err != nil {
				return fmt.Errorf("storage: delete status: %w", classify(err))
			}
		}
		for _, q := range []string{
			`DELETE FROM home_feed WHERE status_id = ?`,
			`DELETE FROM home_feed_pending WHERE status_id = ?`,
			`DELETE FROM notifications WHERE status_id = ?`,
			`DELETE FROM idempotency_keys WHERE status_id = ?`,
		} {
			if _, err := tx.idb.NewRaw(q, id).Exec(ctx); err != nil {
				return fmt.Errorf("storage: delete status: %w", classify(err))
			}
		}
		return tx.deleteStatusActivity(ctx, id)
	})
}

// withMedia keeps statuses that have attachments.
const withMedia = "id IN (SELECT status_id FROM media_attachments WHERE status_id IS NOT NULL)"

// counted reports whether a status of that visibility counts towards its
// author's statuses_count: every one but direct messages, as in Mastodon.
func counted(visibility string) bool { return visibility != "direct" }

// MentionIDs returns, for each of the statuses, the IDs of the accounts it
// mentions.
func (s *Store) MentionIDs(ctx context.Context, statusIDs []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if len(statusIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		StatusID  int64 `bun:"status_id"`
		AccountID int64 `bun:"account_id"`
	}
	if err := s.idb.NewSelect().Table("status_mentions").Column("status_id", "account_id").
		Where("status_id IN (?)", bun.In(statusIDs)).OrderExpr("status_id, account_id").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("storage: mentions: %w", classify(err))
	}
	for _, r := range rows {
		out[r.StatusID] = append(out[r.StatusID], r.AccountID)
	}
	return out, nil
}

// TagNames returns, for each of the statuses, its hashtag names in
// alphabetical order.
func (s *Store) TagNames(ctx context.Context, statusIDs []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	if len(statusIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		StatusID int64  `bun:"status_id"`
		Name     string `bun:"name"`
	}
	if err := s.idb.NewSelect().TableExpr("status_tags AS st").Join("JOIN tags AS t ON t.id = st.tag_id").
		ColumnExpr("st.status_id, t.name").Where("st.status_id IN (?)", bun.In(statusIDs)).
		OrderExpr("st.status_id, t.name").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("storage: tags: %w", classify(err))
	}
	for _, r := range rows {
		out[r.StatusID] = append(out[r.StatusID], r.Name)
	}
	return out, nil
}

// RepliesCounts counts the undeleted public and unlisted replies to each of
// the statuses. Private and direct replies are left out so that the count
// never hints at posts a viewer may not see.
func (s *Store) RepliesCounts(ctx context.Context, statusIDs []int64) (map[int64]int, error) {
	out := map[int64]int{}
	if len(statusIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ID int64 `bun:"in_reply_to_id"`
		N  int   `bun:"n"`
	}
	if err := s.idb.NewSelect().Model((*Status)(nil)).ColumnExpr("in_reply_to_id, count(*) AS n").
		Where("in_reply_to_id IN (?)", bun.In(statusIDs)).Where("deleted_at IS NULL").
		Where("visibility IN ('public', 'unlisted')").Group("in_reply_to_id").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("storage: replies counts: %w", classify(err))
	}
	for _, r := range rows {
		out[r.ID] = r.N
	}
	return out, nil
}

// AncestorIDs returns the IDs up the reply chain of a status, nearest
// first, at most limit of them.
func (s *Store) AncestorIDs(ctx context.Context, id int64, limit int) ([]int64, error) {
	var ids []int64
	err := s.idb.NewRaw(`WITH RECURSIVE up(id, parent, depth) AS (
			SELECT id, in_reply_to_id, 0 FROM statuses WHERE id = ?
			UNION ALL
			SELECT s.id, s.in_reply_to_id, up.depth + 1 FROM statuses s JOIN up ON s.id = up.parent WHERE up.depth < ?
		) SELECT id FROM up WHERE depth > 0 ORDER BY depth`, id, limit).Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("storage: ancestors: %w", classify(err))
	}
	return ids, nil
}

// DescendantIDs returns the IDs of every status below a status in its
// reply tree (at most limit), in no particular order.
func (s *Store) DescendantIDs(ctx context.Context, id int64, limit int) ([]int64, error) {
	var ids []int64
	err := s.idb.NewRaw(`WITH RECURSIVE down(id) AS (
			SELECT id FROM statuses WHERE in_reply_to_id = ?
			UNION
			SELECT s.id FROM statuses s JOIN down ON s.in_reply_to_id = down.id
		) SELECT id FROM down LIMIT ?`, id, limit).Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("storage: descendants: %w", classify(err))
	}
	return ids, nil
}

// PublicFilter narrows PublicStatuses.
type PublicFilter struct {
	LocalOnly  bool
	RemoteOnly bool
	// OnlyMedia keeps statuses with media attachments.
	OnlyMedia bool
}

// PublicStatuses returns public statuses, newest first, that are neither
// boosts nor replies to other accounts, as Mastodon's public timelines do.
// Its statement reads the IDs; the rows come from statusesInOrder.
func (s *Store) PublicStatuses(ctx context.Context, f PublicFilter, p Page) ([]Status, error) {
	q := s.idb.NewSelect().Model((*Status)(nil)).Column("id").
		Where("visibility = 'public'").Where("deleted_at IS NULL").Where("reblog_of_id IS NULL").
		Where("(in_reply_to_id IS NULL OR in_reply_to_account_id = account_id)").
		Where("account_id NOT IN (SELECT id FROM accounts WHERE suspended_at IS NOT NULL)")
	if f.OnlyMedia {
		q = q.Where(withMedia)
	}
	if f.LocalOnly {
		q = q.Where("local = TRUE")
	}
	if f.RemoteOnly {
		q = q.Where("local = FALSE")
	}
	var ids []int64
	if err := p.apply(q, "id").Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("storage: public statuses: %w", classify(err))
	}
	out, err := s.statusesInOrder(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("storage: public statuses: %w", classify(err))
	}
	return finish(p, out), nil
}

// AccountStatusFilter narrows AccountStatuses.
type AccountStatusFilter struct {
	// Visibilities lists the visibilities to return; empty returns none.
	Visibilities []string
	// ExcludeReplies leaves out replies except those to the account itself.
	ExcludeReplies bool
	ExcludeReblogs bool
	OnlyMedia      bool
	// Tagged keeps statuses carrying this (normalised) hashtag.
	Tagged string
}

// AccountStatuses returns an account's statuses, newest first. Its
// statement reads the IDs; the rows come from statusesInOrder.
func (s *Store) AccountStatuses(ctx context.Context, accountID int64, f AccountStatusFilter, p Page) ([]Status, error) {
	if len(f.Visibilities) == 0 {
		return nil, nil
	}
	q := s.idb.NewSelect().Model((*Status)(nil)).Column("id").
		Where("account_id = ?", accountID).Where("deleted_at IS NULL").
		Where("visibility IN (?)", bun.In(f.Visibilities))
	if f.ExcludeReplies {
		q = q.Where("(in_reply_to_id IS NULL OR in_reply_to_account_id = account_id)")
	}
	if f.ExcludeReblogs {
		q = q.Where("reblog_of_id IS NULL")
	}
	if f.OnlyMedia {
		q = q.Where(withMedia)
	}
	if f.Tagged != "" {
		q = q.Where("id IN (SELECT st.status_id FROM status_tags st JOIN tags t ON t.id = st.tag_id WHERE t.name = ?)", strings.ToLower(f.Tagged))
	}
	var ids []int64
	if err := p.apply(q, "id").Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("storage: account statuses: %w", classify(err))
	}
	out, err := s.statusesInOrder(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("storage: account statuses: %w", classify(err))
	}
	return finish(p, out), nil
}
