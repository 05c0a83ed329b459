package storage

import (
	"context"
	"fmt"
	"strings"
)

// Search is portable: a LIKE on lower-cased text, run the same way on
// SQLite and PostgreSQL (see docs/decisions/20261127-search.md). Terms are
// lower-cased by the caller; SQLite's lower() folds ASCII letters only.
// Wildcards in terms are escaped with likeEscape (professional.go).

// AccountSearch narrows SearchAccounts.
type AccountSearch struct {
	// Term is a lower-case prefix of a username, or of a word of a display
	// name.
	Term string
	// Domain keeps accounts of this domain ("" for local ones) when
	// DomainSet; otherwise any known account matches.
	Domain    string
	DomainSet bool
	// FollowedBy keeps the accounts this account follows (0: any).
	FollowedBy int64
	// Viewer leaves out the accounts blocking it (0: anonymous).
	Viewer        int64
	Limit, Offset int
}

// SearchAccounts finds shown accounts (not suspended, not the instance
// actor) by username or display-name prefix: exact usernames first, then
// local accounts, then by username.
func (s *Store) SearchAccounts(ctx context.Context, f AccountSearch) ([]Account, error) {
	var out []Account
	prefix := likeEscape(f.Term) + "%"
	word := "% " + prefix
	q := s.idb.NewSelect().Model(&out).
		Where("suspended_at IS NULL").Where("actor_type <> ?", ActorApplication).
		Where(`(lower(username) LIKE ? ESCAPE '\' OR lower(display_name) LIKE ? ESCAPE '\' OR lower(display_name) LIKE ? ESCAPE '\')`, prefix, prefix, word)
	if f.DomainSet {
		q = q.Where("domain = ?", strings.ToLower(f.Domain))
	}
	if f.FollowedBy != 0 {
		q = q.Where("id IN (SELECT target_account_id FROM follows WHERE account_id = ?)", f.FollowedBy)
	}
	if f.Viewer != 0 {
		q = q.Where("id NOT IN (SELECT account_id FROM blocks WHERE target_account_id = ?)", f.Viewer)
	}
	q = q.OrderExpr("CASE WHEN lower(username) = ? THEN 0 ELSE 1 END", f.Term).
		OrderExpr("CASE WHEN domain = '' THEN 0 ELSE 1 END").OrderExpr("lower(username), id")
	if err := q.Limit(int64(f.Limit)).Offset(int64(f.Offset)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: search accounts: %w", classify(err))
	}
	return out, nil
}

// SearchTags finds hashtags by lower-case name prefix, the exact name
// first, then shorter names: only tags carried by an undeleted public or
// unlisted status, or followed by viewer, so that a name used only in
// private or direct posts is never revealed.
func (s *Store) SearchTags(ctx context.Context, prefix string, viewer int64, limit, offset int) ([]Tag, error) {
	var out []Tag
	q := s.idb.NewSelect().Model(&out).
		Where(`name LIKE ? ESCAPE '\'`, likeEscape(prefix)+"%").
		Where(`(EXISTS (SELECT 1 FROM status_tags st JOIN statuses s ON s.id = st.status_id
				WHERE st.tag_id = tag.id AND s.visibility IN ('public', 'unlisted') AND s.deleted_at IS NULL)
			OR id IN (SELECT tag_id FROM tag_follows WHERE account_id = ?))`, viewer).
		OrderExpr("CASE WHEN name = ? THEN 0 ELSE 1 END", prefix).OrderExpr("length(name), name")
	if err := q.Limit(int64(limit)).Offset(int64(offset)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: search tags: %w", classify(err))
	}
	return out, nil
}

// StatusSearch narrows SearchStatuses.
type StatusSearch struct {
	// Term is lower-case text to find in a status's text or content
	// warning.
	Term string
	// Viewer is the signed-in account searching; it must be set.
	Viewer int64
	// AccountID keeps statuses by this account (0: any).
	AccountID int64
	Page      Page
	Offset    int
}

// SearchStatuses finds the candidate statuses for a full-text search,
// newest first: undeleted, not boosts, by accounts not suspended and not
// blocked either way, and within the viewer's reach — its own, public
// ones, unlisted and private ones of the accounts it follows, and those
// mentioning it. core/search passes each through visibility.MaySee
// before returning it; this narrowing keeps pages full and the scan
// small, it is not the privacy rule.
func (s *Store) SearchStatuses(ctx context.Context, f StatusSearch) ([]Status, error) {
	var out []Status
	if f.Viewer == 0 || f.Term == "" {
		return out, nil
	}
	like := "%" + likeEscape(f.Term) + "%"
	q := s.idb.NewSelect().Model(&out).
		Where("deleted_at IS NULL").Where("reblog_of_id IS NULL").
		Where(`(lower(text) LIKE ? ESCAPE '\' OR lower(spoiler_text) LIKE ? ESCAPE '\')`, like, like).
		Where("account_id NOT IN (SELECT id FROM accounts WHERE suspended_at IS NOT NULL)").
		Where("account_id NOT IN (SELECT target_account_id FROM blocks WHERE account_id = ?)", f.Viewer).
		Where("account_id NOT IN (SELECT account_id FROM blocks WHERE target_account_id = ?)", f.Viewer).
		Where(`(account_id = ?
			OR visibility = 'public'
			OR (visibility IN ('unlisted', 'private') AND account_id IN (SELECT target_account_id FROM follows WHERE account_id = ?))
			OR (visibility IN ('unlisted', 'private', 'direct') AND id IN (SELECT status_id FROM status_mentions WHERE account_id = ?)))`,
			f.Viewer, f.Viewer, f.Viewer)
	if f.AccountID != 0 {
		q = q.Where("account_id = ?", f.AccountID)
	}
	if err := f.Page.apply(q, "id").Offset(int64(f.Offset)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: search statuses: %w", classify(err))
	}
	return finish(f.Page, out), nil
}
