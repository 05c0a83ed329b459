package storage

import (
	"database/sql"
	"fmt"
	"time"
)

// statusColumns are Status's columns, in scanStatus's order, for reads
// that scan by hand. TestStatusColumns keeps them in step with the
// struct's bun tags.
const statusColumns = `status.id, status.account_id, status.uri, status.url, status.local, status.in_reply_to_id,
	status.in_reply_to_account_id, status.reblog_of_id, status.conversation_id, status.text, status.content,
	status.spoiler_text, status.sensitive, status.visibility, status.language, status.application_id,
	status.created_at, status.updated_at, status.edited_at, status.deleted_at`

// scanStatuses reads every row of rs (selected with statusColumns) and
// closes it.
func scanStatuses(rs *sql.Rows, capacity int) ([]Status, error) {
	defer func() { _ = rs.Close() }()
	out := make([]Status, 0, capacity)
	for rs.Next() {
		out = append(out, Status{})
		if err := scanStatus(rs, &out[len(out)-1]); err != nil {
			return nil, err
		}
	}
	return out, rs.Err()
}

// scanStatus scans one row selected with statusColumns into st, as bun
// would.
func scanStatus(rs *sql.Rows, st *Status) error {
	var created, updated, edited, deleted timeValue
	err := rs.Scan(&st.ID, &st.AccountID, &st.URI, &st.URL, &st.Local, &st.InReplyToID,
		&st.InReplyToAccountID, &st.ReblogOfID, &st.ConversationID, &st.Text, &st.Content,
		&st.SpoilerText, &st.Sensitive, &st.Visibility, &st.Language, &st.ApplicationID,
		&created, &updated, &edited, &deleted)
	if err != nil {
		return err
	}
	st.CreatedAt, st.UpdatedAt = created.t, updated.t
	st.EditedAt, st.DeletedAt = edited.ptr(), deleted.ptr()
	return nil
}

// timeValue scans a timestamp as bun does: PostgreSQL's driver gives a
// time.Time, SQLite's gives the text bun wrote (its column type,
// TIMESTAMPTZ, is not one modernc parses).
type timeValue struct {
	t     time.Time
	valid bool
}

// Scan implements sql.Scanner.
func (v *timeValue) Scan(src any) error {
	var err error
	switch src := src.(type) {
	case nil:
		*v = timeValue{}
		return nil
	case time.Time:
		v.t = src
	case string:
		v.t, err = parseTimestamp(src)
	case []byte:
		v.t, err = parseTimestamp(string(src))
	default:
		return fmt.Errorf("storage: scan %T into a time", src)
	}
	v.valid = err == nil
	return err
}

func (v timeValue) ptr() *time.Time {
	if !v.valid {
		return nil
	}
	t := v.t
	return &t
}

// parseTimestamp parses a timestamp as bun's ParseTime does.
func parseTimestamp(s string) (time.Time, error) {
	l := len(s)
	if l < len("2006-01-02 15:04:05") {
		return time.Time{}, fmt.Errorf("storage: cannot parse time %q", s)
	}
	switch s[10] {
	case ' ':
		switch {
		case s[l-6] == '+' || s[l-6] == '-':
			return time.Parse("2006-01-02 15:04:05.999999999-07:00", s)
		case s[l-3] == '+' || s[l-3] == '-':
			return time.Parse("2006-01-02 15:04:05.999999999-07", s)
		case s[l-9] == '+' || s[l-9] == '-':
			return time.Parse("2006-01-02 15:04:05.999999999-07:00:00", s)
		}
		return time.ParseInLocation("2006-01-02 15:04:05.999999999", s, time.UTC)
	case 'T':
		return time.Parse(time.RFC3339Nano, s)
	}
	return time.Time{}, fmt.Errorf("storage: cannot parse time %q", s)
}
