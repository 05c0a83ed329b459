package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Tag is a hashtag, by its normalised (lower-case) name.
type Tag struct {
	bun.BaseModel `bun:"table:tags"`

	ID        int64     `bun:"id,pk"`
	Name      string    `bun:"name,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull"`
}

// TagByName returns the tag with that normalised name.
func (s *Store) TagByName(ctx context.Context, name string) (*Tag, error) {
	t := new(Tag)
	if err := s.idb.NewSelect().Model(t).Where("name = ?", name).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: tag: %w", classify(err))
	}
	return t, nil
}

// EnsureTag returns the tag with that normalised name, creating it when
// it is new.
func (s *Store) EnsureTag(ctx context.Context, name string) (*Tag, error) {
	if _, err := s.idb.NewRaw(`INSERT INTO tags (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`,
		s.NewID(), name, time.Now().UTC()).Exec(ctx); err != nil {
		return nil, fmt.Errorf("storage: ensure tag: %w", classify(err))
	}
	return s.TagByName(ctx, name)
}

// FollowTag makes accountID follow a tag; following it again changes
// nothing.
func (s *Store) FollowTag(ctx context.Context, accountID, tagID int64) error {
	if _, err := s.idb.NewRaw(`INSERT INTO tag_follows (id, account_id, tag_id, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (account_id, tag_id) DO NOTHING`, s.NewID(), accountID, tagID, time.Now().UTC()).Exec(ctx); err != nil {
		return fmt.Errorf("storage: follow tag: %w", classify(err))
	}
	return nil
}

// UnfollowTag ends accountID's follow of a tag and takes out of its home
// feed the statuses that only the tag had brought there: not its own, not
// by accounts it follows, not mentioning it, not carrying another tag it
// still follows.
func (s *Store) UnfollowTag(ctx context.Context, accountID, tagID int64) error {
	return s.InTx(ctx, func(ctx context.Context, tx *Store) error {
		res, err := tx.idb.NewRaw(`DELETE FROM tag_follows WHERE account_id = ? AND tag_id = ?`, accountID, tagID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("storage: unfollow tag: %w", classify(err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		_, err = tx.idb.NewRaw(`DELETE FROM home_feed WHERE account_id = ? AND author_id <> ?
			AND status_id IN (SELECT status_id FROM status_tags WHERE tag_id = ?)
			AND author_id NOT IN (SELECT target_account_id FROM follows WHERE account_id = ?)
			AND status_id NOT IN (SELECT status_id FROM status_mentions WHERE account_id = ?)
			AND status_id NOT IN (SELECT st.status_id FROM status_tags st JOIN tag_follows tf ON tf.tag_id = st.tag_id WHERE tf.account_id = ?)`,
			accountID, accountID, tagID, accountID, accountID, accountID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("storage: unfollow tag: %w", classify(err))
		}
		return nil
	})
}

// TagEdge is a followed tag with the ID of the follow, the paging cursor.
type TagEdge struct {
	Cursor int64
	Tag    Tag
}

// FollowedTags pages through the tags accountID follows, most recently
// followed first.
func (s *Store) FollowedTags(ctx context.Context, accountID int64, p Page) ([]TagEdge, error) {
	var rows []struct {
		ID        int64     `bun:"id"`
		TagID     int64     `bun:"tag_id"`
		Name      string    `bun:"name"`
		CreatedAt time.Time `bun:"created_at"`
	}
	q := s.idb.NewSelect().TableExpr("tag_follows AS tf").Join("JOIN tags AS t ON t.id = tf.tag_id").
		ColumnExpr("tf.id, tf.tag_id, t.name, t.created_at").Where("tf.account_id = ?", accountID)
	if err := p.apply(q, "tf.id").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("storage: followed tags: %w", classify(err))
	}
	rows = finish(p, rows)
	out := make([]TagEdge, len(rows))
	for i, r := range rows {
		out[i] = TagEdge{Cursor: r.ID, Tag: Tag{ID: r.TagID, Name: r.Name, CreatedAt: r.CreatedAt}}
	}
	return out, nil
}

// FollowsTag reports whether accountID follows the tag.
func (s *Store) FollowsTag(ctx context.Context, accountID, tagID int64) (bool, error) {
	n, err := s.idb.NewSelect().Table("tag_follows").Where("account_id = ?", accountID).Where("tag_id = ?", tagID).Count(ctx)
	if err != nil {
		return false, fmt.Errorf("storage: follows tag: %w", classify(err))
	}
	return n > 0, nil
}

// TagDay is one day of a tag's use.
type TagDay struct {
	// Day is the day's start (UTC midnight).
	Day      time.Time
	Uses     int
	Accounts int
}

// TagHistory counts, for each of the days UTC midnights from start (one
// per day, days in all, oldest first), the undeleted public and unlisted
// statuses carrying the tag and their distinct authors. Private and
// direct posts are not counted, so the history never hints at them.
func (s *Store) TagHistory(ctx context.Context, tagID int64, start time.Time, days int) ([]TagDay, error) {
	var rows []struct {
		ID        int64 `bun:"id"`
		AccountID int64 `bun:"account_id"`
	}
	end := start.AddDate(0, 0, days)
	if err := s.idb.NewSelect().TableExpr("statuses AS s").ColumnExpr("s.id, s.account_id").
		Where("s.id IN (SELECT status_id FROM status_tags WHERE tag_id = ?)", tagID).
		Where("s.id >= ?", IDAt(start)).Where("s.id < ?", IDAt(end)).
		Where("s.deleted_at IS NULL").Where("s.visibility IN ('public', 'unlisted')").
		Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("storage: tag history: %w", classify(err))
	}
	out := make([]TagDay, days)
	authors := make([]map[int64]bool, days)
	for i := range out {
		out[i].Day = start.AddDate(0, 0, i)
		authors[i] = map[int64]bool{}
	}
	for _, r := range rows {
		at := time.UnixMilli(r.ID >> 16).UTC()
		i := int(at.Sub(start) / (24 * time.Hour))
		if i < 0 || i >= days {
			continue
		}
		out[i].Uses++
		if !authors[i][r.AccountID] {
			authors[i][r.AccountID] = true
			out[i].Accounts++
		}
	}
	return out, nil
}

// TagFilter selects the statuses of a hashtag timeline.
type TagFilter struct {
	// Any: statuses with at least one of these tags (the timeline's own
	// tag and any[]).
	Any []string
	// All: statuses with every one of these tags too.
	All []string
	// None: no status with any of these.
	None       []string
	LocalOnly  bool
	RemoteOnly bool
	OnlyMedia  bool
}

// TaggedStatuses returns a page of public statuses (never unlisted,
// private or direct) carrying the filter's tags, newest first, leaving out
// boosts and suspended authors.
func (s *Store) TaggedStatuses(ctx context.Context, f TagFilter, p Page) ([]Status, error) {
	var out []Status
	if len(f.Any) == 0 {
		return out, nil
	}
	const tagged = "id IN (SELECT st.status_id FROM status_tags st JOIN tags t ON t.id = st.tag_id WHERE t.name IN (?))"
	q := s.idb.NewSelect().Model(&out).
		Where("visibility = 'public'").Where("deleted_at IS NULL").Where("reblog_of_id IS NULL").
		Where("account_id NOT IN (SELECT id FROM accounts WHERE suspended_at IS NOT NULL)").
		Where(tagged, bun.In(f.Any))
	for _, name := range f.All {
		q = q.Where(tagged, bun.In([]string{name}))
	}
	if len(f.None) > 0 {
		q = q.Where("NOT "+tagged, bun.In(f.None))
	}
	if f.LocalOnly {
		q = q.Where("local = TRUE")
	}
	if f.RemoteOnly {
		q = q.Where("local = FALSE")
	}
	if f.OnlyMedia {
		q = q.Where("id IN (SELECT status_id FROM media_attachments WHERE status_id IS NOT NULL)")
	}
	if err := p.apply(q, "id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: tagged statuses: %w", classify(err))
	}
	return finish(p, out), nil
}

// FanOutToTagFollowers writes a status into the home feeds of the local
// accounts that follow any of its (normalised) tags, except its author's
// and those of accounts blocking or blocked by the author. Run it in the
// transaction that inserts the status, for public statuses only.
func (s *Store) FanOutToTagFollowers(ctx context.Context, st *Status, tags []string) error {
	if len(tags) == 0 {
		return nil
	}
	_, err := s.idb.NewRaw(`INSERT INTO home_feed (account_id, status_id, author_id)
		SELECT DISTINCT tf.account_id, ?, ? FROM tag_follows tf
		JOIN tags t ON t.id = tf.tag_id JOIN accounts a ON a.id = tf.account_id
		WHERE t.name IN (?) AND a.domain = '' AND tf.account_id <> ?
		AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = tf.account_id AND b.target_account_id = ?)
			OR (b.account_id = ? AND b.target_account_id = tf.account_id))
		ON CONFLICT DO NOTHING`,
		st.ID, st.AccountID, bun.In(tags), st.AccountID, st.AccountID, st.AccountID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("storage: fan out to tag followers: %w", classify(err))
	}
	return nil
}
