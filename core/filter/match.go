package filter

import (
	"html"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/rounds-md/rounds/storage"
)

// Context is where a filter applies, as Mastodon names it.
type Context string

// The five contexts.
const (
	// Home is the home timeline and lists.
	Home Context = "home"
	// Notifications is the notifications list.
	Notifications Context = "notifications"
	// Public is the public and hashtag timelines.
	Public Context = "public"
	// Thread is a status's conversation.
	Thread Context = "thread"
	// Account is a profile's statuses.
	Account Context = "account"
)

// Contexts lists every context.
var Contexts = []Context{Home, Notifications, Public, Thread, Account}

// Action is what a filter does to a matching status.
type Action string

// The two actions.
const (
	// Warn shows the status folded behind a warning naming the filter.
	Warn Action = "warn"
	// Hide leaves the status out.
	Hide Action = "hide"
)

// Result is one filter a status matched, with what matched.
type Result struct {
	Filter storage.Filter
	// KeywordMatches are the filter's keywords found in the status.
	KeywordMatches []string
	// StatusMatches are the IDs of the statuses the filter names that the
	// status is (itself, or the status it boosts).
	StatusMatches []int64
}

// Hidden reports whether one of results is a hide filter applying in c.
func Hidden(results []Result, c Context) bool {
	for _, r := range results {
		if Action(r.Filter.Action) == Hide && slices.Contains(r.Filter.Contexts(), string(c)) {
			return true
		}
	}
	return false
}

// Rules are one person's active filters, ready for matching. The zero
// value (and nil) matches nothing.
type Rules struct {
	filters []compiled
}

type compiled struct {
	filter   storage.Filter
	keywords []keyword
	statuses map[int64]bool
}

// keyword is a filter keyword, lower-cased, with whether each end must
// fall on a word boundary.
type keyword struct {
	text                 string
	folded               string
	boundStart, boundEnd bool
}

// Compile prepares sets for matching, leaving out filters expired at now
// and keywords that are blank.
func Compile(sets []storage.FilterSet, now time.Time) *Rules {
	r := &Rules{}
	for _, s := range sets {
		if s.Filter.ExpiresAt != nil && !s.Filter.ExpiresAt.After(now) {
			continue
		}
		c := compiled{filter: s.Filter, statuses: map[int64]bool{}}
		for _, k := range s.Keywords {
			folded := strings.ToLower(strings.TrimSpace(k.Keyword))
			if folded == "" {
				continue
			}
			first, _ := utf8.DecodeRuneInString(folded)
			last, _ := utf8.DecodeLastRuneInString(folded)
			c.keywords = append(c.keywords, keyword{
				text: k.Keyword, folded: folded,
				boundStart: k.WholeWord && isWord(first), boundEnd: k.WholeWord && isWord(last),
			})
		}
		for _, st := range s.Statuses {
			c.statuses[st.StatusID] = true
		}
		r.filters = append(r.filters, c)
	}
	return r
}

// Empty reports whether the rules can match nothing.
func (r *Rules) Empty() bool { return r == nil || len(r.filters) == 0 }

// Match returns the filters a status matches, in filter order: text is
// its plain text (see StatusText), ids its own ID and, for a boost, the
// boosted status's.
func (r *Rules) Match(text string, ids ...int64) []Result {
	if r.Empty() {
		return nil
	}
	folded := strings.ToLower(text)
	var out []Result
	for _, c := range r.filters {
		var res Result
		for _, k := range c.keywords {
			if k.found(folded) {
				res.KeywordMatches = append(res.KeywordMatches, k.text)
			}
		}
		for _, id := range ids {
			if id != 0 && c.statuses[id] && !slices.Contains(res.StatusMatches, id) {
				res.StatusMatches = append(res.StatusMatches, id)
			}
		}
		if len(res.KeywordMatches) > 0 || len(res.StatusMatches) > 0 {
			res.Filter = c.filter
			out = append(out, res)
		}
	}
	return out
}

// found reports whether k occurs in the lower-cased text s, at word
// boundaries where it must.
func (k keyword) found(s string) bool {
	for from := 0; from <= len(s); {
		i := strings.Index(s[from:], k.folded)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(k.folded)
		before, _ := utf8.DecodeLastRuneInString(s[:start])
		after, _ := utf8.DecodeRuneInString(s[end:])
		if (!k.boundStart || start == 0 || !isWord(before)) && (!k.boundEnd || end == len(s) || !isWord(after)) {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[start:])
		from = start + size
	}
	return false
}

// isWord reports whether r is a word character as regular expressions
// know it in Unicode: a letter, a mark, a number or a connector such as
// the underscore.
func isWord(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r) || unicode.Is(unicode.Pc, r)
}

// StatusText is the text filters match a status against: its content
// warning and its content as plain text.
func StatusText(spoiler, contentHTML string) string {
	if spoiler == "" {
		return PlainText(contentHTML)
	}
	return spoiler + "\n\n" + PlainText(contentHTML)
}

// PlainText turns status HTML into text: tags dropped, line breaks and
// paragraph ends kept as new lines, character references decoded.
func PlainText(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break // an unclosed tag: drop the rest
		}
		switch tagName(s[i+1 : i+j]) {
		case "br":
			b.WriteString("\n")
		case "/p":
			b.WriteString("\n\n")
		}
		s = s[i+j+1:]
	}
	return strings.TrimSpace(html.UnescapeString(b.String()))
}

// tagName is the lower-cased name of the tag inside "<...>", with a
// leading slash for an end tag.
func tagName(inner string) string {
	f := strings.Fields(inner)
	if len(f) == 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(f[0], "/"))
}
