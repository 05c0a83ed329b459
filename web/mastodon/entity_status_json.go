package mastodon

import (
	"strconv"
	"time"

	"github.com/rounds-md/rounds/web/jsonbody"
)

// The Status entity's JSON is written here by hand, not by the library:
// encoding a home page's statuses through it was a fifth of the server's
// CPU (docs/decisions/20261202-status-json-appender.md). Every appender
// writes the very bytes the library writes for the same value (field
// order, omitempty, null for nil pointers and slices, jsonbody's string
// escapes); entity_status_json_internal_test.go compares them. The
// rarely filled parts (media, polls, filter results, application) are
// left to the library, through jsonbody.AppendValue.

// AppendJSON appends the status as the library encodes it, with its
// author's kept bytes (Account.encoded) when it has them.
func (s Status) AppendJSON(b []byte) ([]byte, error) { return s.appendJSON(b) }

// appendJSON is AppendJSON without copying the status.
func (s *Status) appendJSON(b []byte) ([]byte, error) {
	var err error
	b = append(b, `{"id":`...)
	b = jsonbody.AppendString(b, s.ID)
	b = append(b, `,"uri":`...)
	b = jsonbody.AppendString(b, s.URI)
	b = append(b, `,"url":`...)
	b = appendStringPtr(b, s.URL)
	b = append(b, `,"created_at":`...)
	b = appendTime(b, time.Time(s.CreatedAt), true)
	b = append(b, `,"edited_at":`...)
	if s.EditedAt == nil {
		b = append(b, "null"...)
	} else {
		b = appendTime(b, time.Time(*s.EditedAt), true)
	}
	b = append(b, `,"account":`...)
	if b, err = s.Account.appendJSON(b); err != nil {
		return b, err
	}
	b = append(b, `,"content":`...)
	b = jsonbody.AppendString(b, s.Content)
	b = append(b, `,"visibility":`...)
	b = jsonbody.AppendString(b, s.Visibility)
	b = append(b, `,"sensitive":`...)
	b = strconv.AppendBool(b, s.Sensitive)
	b = append(b, `,"spoiler_text":`...)
	b = jsonbody.AppendString(b, s.SpoilerText)
	b = append(b, `,"media_attachments":`...)
	if len(s.MediaAttachments) == 0 {
		b = appendEmpty(b, s.MediaAttachments == nil)
	} else if b, err = jsonbody.AppendValue(b, s.MediaAttachments); err != nil {
		return b, err
	}
	b = append(b, `,"mentions":`...)
	b = appendMentions(b, s.Mentions)
	b = append(b, `,"tags":`...)
	b = appendTags(b, s.Tags)
	b = append(b, `,"emojis":`...)
	b = appendEmojis(b, s.Emojis)
	b = append(b, `,"reblogs_count":`...)
	b = strconv.AppendInt(b, int64(s.ReblogsCount), 10)
	b = append(b, `,"favourites_count":`...)
	b = strconv.AppendInt(b, int64(s.FavouritesCount), 10)
	b = append(b, `,"replies_count":`...)
	b = strconv.AppendInt(b, int64(s.RepliesCount), 10)
	b = append(b, `,"in_reply_to_id":`...)
	b = appendStringPtr(b, s.InReplyToID)
	b = append(b, `,"in_reply_to_account_id":`...)
	b = appendStringPtr(b, s.InReplyToAccountID)
	b = append(b, `,"reblog":`...)
	if s.Reblog == nil {
		b = append(b, "null"...)
	} else if b, err = s.Reblog.appendJSON(b); err != nil {
		return b, err
	}
	b = append(b, `,"poll":`...)
	if s.Poll == nil {
		b = append(b, "null"...)
	} else if b, err = jsonbody.AppendValue(b, s.Poll); err != nil {
		return b, err
	}
	b = append(b, `,"card":`...)
	if s.Card == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, "{}"...)
	}
	b = append(b, `,"language":`...)
	b = appendStringPtr(b, s.Language)
	if s.Text != nil {
		b = append(b, `,"text":`...)
		b = jsonbody.AppendString(b, *s.Text)
	}
	b = appendBoolField(b, `,"favourited":`, s.Favourited)
	b = appendBoolField(b, `,"reblogged":`, s.Reblogged)
	b = appendBoolField(b, `,"muted":`, s.Muted)
	b = appendBoolField(b, `,"bookmarked":`, s.Bookmarked)
	b = appendBoolField(b, `,"pinned":`, s.Pinned)
	if s.Filtered != nil {
		b = append(b, `,"filtered":`...)
		if len(*s.Filtered) == 0 {
			b = appendEmpty(b, *s.Filtered == nil)
		} else if b, err = jsonbody.AppendValue(b, *s.Filtered); err != nil {
			return b, err
		}
	}
	if s.Application != nil {
		b = append(b, `,"application":`...)
		if b, err = jsonbody.AppendValue(b, s.Application); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

// appendJSON appends the account's kept bytes, or the library's
// encoding of it when it has none (or null for nil).
func (a *Account) appendJSON(b []byte) ([]byte, error) {
	switch {
	case a == nil:
		return append(b, "null"...), nil
	case a.encoded != nil:
		return append(b, a.encoded...), nil
	}
	return jsonbody.AppendValue(b, a)
}

// statusList is a list of statuses that appends its own JSON, as every
// answer that is a list of statuses is written.
type statusList []Status

// AppendJSON appends the list as the library encodes a []Status.
func (l statusList) AppendJSON(b []byte) ([]byte, error) {
	if l == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '[')
	for i := range l {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = l[i].appendJSON(b); err != nil {
			return b, err
		}
	}
	return append(b, ']'), nil
}

// AppendJSON appends the thread as the library encodes it.
func (t Context) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"ancestors":`...)
	b, err := statusList(t.Ancestors).AppendJSON(b)
	if err != nil {
		return b, err
	}
	b = append(b, `,"descendants":`...)
	if b, err = statusList(t.Descendants).AppendJSON(b); err != nil {
		return b, err
	}
	return append(b, '}'), nil
}

// appendEmpty appends an empty list: null when it is nil, else [].
func appendEmpty(b []byte, isNil bool) []byte {
	if isNil {
		return append(b, "null"...)
	}
	return append(b, "[]"...)
}

// appendStringPtr appends *s, or null.
func appendStringPtr(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return jsonbody.AppendString(b, *s)
}

// appendBoolField appends an omitempty *bool field, key included, unless
// v is nil.
func appendBoolField(b []byte, key string, v *bool) []byte {
	if v == nil {
		return b
	}
	return strconv.AppendBool(append(b, key...), *v)
}

// appendMentions appends Status.mentions as the library encodes it.
func appendMentions(b []byte, ms []Mention) []byte {
	if len(ms) == 0 {
		return appendEmpty(b, ms == nil)
	}
	b = append(b, '[')
	for i, m := range ms {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b = jsonbody.AppendString(b, m.ID)
		b = append(b, `,"username":`...)
		b = jsonbody.AppendString(b, m.Username)
		b = append(b, `,"url":`...)
		b = jsonbody.AppendString(b, m.URL)
		b = append(b, `,"acct":`...)
		b = jsonbody.AppendString(b, m.Acct)
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendTags appends Status.tags as the library encodes it.
func appendTags(b []byte, ts []Tag) []byte {
	if len(ts) == 0 {
		return appendEmpty(b, ts == nil)
	}
	b = append(b, '[')
	for i, t := range ts {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		b = jsonbody.AppendString(b, t.Name)
		b = append(b, `,"url":`...)
		b = jsonbody.AppendString(b, t.URL)
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendEmojis appends a list of CustomEmoji as the library encodes it.
func appendEmojis(b []byte, es []CustomEmoji) []byte {
	if len(es) == 0 {
		return appendEmpty(b, es == nil)
	}
	b = append(b, '[')
	for i, e := range es {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"shortcode":`...)
		b = jsonbody.AppendString(b, e.Shortcode)
		b = append(b, `,"url":`...)
		b = jsonbody.AppendString(b, e.URL)
		b = append(b, `,"static_url":`...)
		b = jsonbody.AppendString(b, e.StaticURL)
		b = append(b, `,"visible_in_picker":`...)
		b = strconv.AppendBool(b, e.VisibleInPicker)
		b = append(b, `,"category":`...)
		b = jsonbody.AppendString(b, e.Category)
		b = append(b, '}')
	}
	return append(b, ']')
}
