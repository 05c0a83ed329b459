package storage

import (
	"database/sql"
	"fmt"
)

// statusColumns are Status's columns, in statusScanner's order, for reads
// that scan by hand. TestStatusColumns keeps them in step with the
// struct's bun tags.
const statusColumns = `status.id, status.account_id, status.uri, status.url, status.local, status.in_reply_to_id,
	status.in_reply_to_account_id, status.reblog_of_id, status.conversation_id, status.text, status.content,
	status.spoiler_text, status.sensitive, status.visibility, status.language, status.application_id,
	status.created_at, status.updated_at, status.edited_at, status.deleted_at`

// statusColumnCount is the number of statusColumns.
const statusColumnCount = 20

// scanStatuses reads every row of rs (selected with statusColumns) and
// closes it.
func scanStatuses(rs *sql.Rows, capacity int) ([]Status, error) {
	defer func() { _ = rs.Close() }()
	out := make([]Status, 0, capacity)
	var sc statusScanner
	for i := range sc.vals {
		sc.dest[i] = &sc.vals[i]
	}
	for rs.Next() {
		out = append(out, Status{})
		if err := sc.scan(rs, &out[len(out)-1]); err != nil {
			return nil, err
		}
	}
	return out, rs.Err()
}

// statusScanner scans rows selected with statusColumns into Statuses, as
// bun would. Each column reaches it as the driver's own value (scanning
// into *any is the one conversion database/sql makes without reflection)
// and is converted here: the reflection of database/sql's convertAssign
// was a fifth of the feed statement's CPU.
type statusScanner struct {
	vals [statusColumnCount]any
	dest [statusColumnCount]any
}

// scan scans the current row of rs into st.
func (sc *statusScanner) scan(rs *sql.Rows, st *Status) error {
	if err := rs.Scan(sc.dest[:]...); err != nil {
		return err
	}
	var c converter
	v := &sc.vals
	st.ID, st.AccountID, st.URI, st.URL = c.int64(v[0]), c.int64(v[1]), c.nullString(v[2]), c.nullString(v[3])
	st.Local, st.InReplyToID, st.InReplyToAccountID = c.bool(v[4]), c.nullInt64(v[5]), c.nullInt64(v[6])
	st.ReblogOfID, st.ConversationID, st.Text, st.Content = c.nullInt64(v[7]), c.nullInt64(v[8]), c.string(v[9]), c.string(v[10])
	st.SpoilerText, st.Sensitive, st.Visibility = c.string(v[11]), c.bool(v[12]), c.string(v[13])
	st.Language, st.ApplicationID = c.nullString(v[14]), c.nullInt64(v[15])
	st.CreatedAt, st.UpdatedAt = c.time(v[16]).t, c.time(v[17]).t
	st.EditedAt, st.DeletedAt = c.time(v[18]).ptr(), c.time(v[19]).ptr()
	clear(sc.vals[:])
	return c.err
}

// converter turns the drivers' values into Status's field types, keeping
// the first error.
type converter struct{ err error }

func (c *converter) fail(v any, into string) {
	if c.err == nil {
		c.err = fmt.Errorf("storage: scan %T into %s", v, into)
	}
}

func (c *converter) int64(v any) int64 {
	if n, ok := v.(int64); ok {
		return n
	}
	c.fail(v, "int64")
	return 0
}

func (c *converter) nullInt64(v any) *int64 {
	if v == nil {
		return nil
	}
	n := c.int64(v)
	return &n
}

func (c *converter) string(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	}
	c.fail(v, "string")
	return ""
}

func (c *converter) nullString(v any) *string {
	if v == nil {
		return nil
	}
	s := c.string(v)
	return &s
}

// bool takes PostgreSQL's booleans and SQLite's integers, as
// database/sql's driver.Bool does.
func (c *converter) bool(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case int64:
		if v == 0 || v == 1 {
			return v == 1
		}
	}
	c.fail(v, "bool")
	return false
}

func (c *converter) time(v any) timeValue {
	var t timeValue
	if err := t.Scan(v); err != nil && c.err == nil {
		c.err = err
	}
	return t
}
