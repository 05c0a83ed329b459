package post

import (
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rounds-md/rounds/storage"
)

// Text limits.
const (
	// MaxChars is the most characters a status (text plus content warning)
	// may have.
	MaxChars = 5000
	// CharsPerURL is what a link counts towards MaxChars, however long.
	CharsPerURL = 23
)

// Formatted is plain text turned into Mastodon-style HTML.
type Formatted struct {
	HTML string
	// Mentions are the known accounts mentioned, in order of first mention.
	Mentions []*storage.Account
	// Tags are the hashtags, normalised to lower case, in order of first use.
	Tags []string
}

// Resolver finds the account a mention names: domain "" for a bare
// @user. It returns nil for accounts it does not know.
type Resolver func(username, domain string) *storage.Account

// Linker gives the URLs the HTML links to.
type Linker struct {
	// Profile is an account's profile URL (the mention's href).
	Profile func(a *storage.Account) string
	// Tag is a hashtag's page URL.
	Tag func(name string) string
}

var paragraphBreak = regexp.MustCompile(`\n[ \t]*\n\s*`)

// Format turns plain text into HTML: paragraphs in <p>, line breaks as
// <br />, text escaped, links, mentions of known accounts and hashtags
// linked the way Mastodon links them.
func Format(text string, resolve Resolver, link Linker) Formatted {
	text = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n"))
	f := &formatter{resolve: resolve, link: link, seenAcct: map[int64]bool{}, seenTag: map[string]bool{}}
	var b strings.Builder
	for _, para := range paragraphBreak.Split(text, -1) {
		if para == "" {
			continue
		}
		b.WriteString("<p>")
		for i, line := range strings.Split(para, "\n") {
			if i > 0 {
				b.WriteString("<br />")
			}
			f.line(&b, line)
		}
		b.WriteString("</p>")
	}
	return Formatted{HTML: b.String(), Mentions: f.mentions, Tags: f.tags}
}

type formatter struct {
	resolve  Resolver
	link     Linker
	mentions []*storage.Account
	tags     []string
	seenAcct map[int64]bool
	seenTag  map[string]bool
}

// line writes one line, linking what it recognises.
func (f *formatter) line(b *strings.Builder, s string) {
	plainFrom := 0
	for i := 0; i < len(s); {
		var prev rune
		if i > 0 {
			prev, _ = utf8.DecodeLastRuneInString(s[:i])
		}
		end, out := f.entity(s, i, prev)
		if end == 0 {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			continue
		}
		b.WriteString(html.EscapeString(s[plainFrom:i]))
		b.WriteString(out)
		i, plainFrom = end, end
	}
	b.WriteString(html.EscapeString(s[plainFrom:]))
}

// entity recognises a link, mention or hashtag starting at s[i], returning
// where it ends and its HTML, or 0 when there is none.
func (f *formatter) entity(s string, i int, prev rune) (int, string) {
	boundary := i == 0 || !(isWord(prev) || prev == '/')
	switch {
	case boundary && (strings.HasPrefix(s[i:], "https://") || strings.HasPrefix(s[i:], "http://")):
		if n := urlLen(s[i:]); n > len("https://") {
			return i + n, linkHTML(s[i : i+n])
		}
	case s[i] == '@' && boundary && prev != '@':
		user, domain, n := parseMention(s[i+1:])
		if n == 0 {
			return 0, ""
		}
		a := f.resolve(user, domain)
		if a == nil {
			return 0, ""
		}
		if !f.seenAcct[a.ID] {
			f.seenAcct[a.ID] = true
			f.mentions = append(f.mentions, a)
		}
		return i + 1 + n, `<span class="h-card"><a href="` + html.EscapeString(f.link.Profile(a)) +
			`" class="u-url mention">@<span>` + html.EscapeString(a.Username) + `</span></a></span>`
	case s[i] == '#' && boundary && prev != ')':
		n := tagLen(s[i+1:])
		if n == 0 {
			return 0, ""
		}
		name := s[i+1 : i+1+n]
		norm := strings.ToLower(name)
		if !f.seenTag[norm] {
			f.seenTag[norm] = true
			f.tags = append(f.tags, norm)
		}
		return i + 1 + n, `<a href="` + html.EscapeString(f.link.Tag(norm)) + `" class="mention hashtag" rel="tag">#<span>` +
			html.EscapeString(name) + `</span></a>`
	}
	return 0, ""
}

func isWord(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// urlLen measures a URL at the start of s: up to white space or a
// character that cannot be in one, without trailing punctuation or an
// unbalanced closing parenthesis.
func urlLen(s string) int {
	n := strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(`<>"`, r) })
	if n < 0 {
		n = len(s)
	}
	for n > 0 {
		last := s[n-1]
		switch {
		case strings.IndexByte(".,;:!?'*", last) >= 0:
			n--
			continue
		case last == ')' && strings.Count(s[:n], "(") < strings.Count(s[:n], ")"):
			n--
			continue
		}
		break
	}
	return n
}

// linkHTML renders a link as Mastodon does: the scheme (and "www.")
// hidden, the rest cut after 30 characters with an ellipsis.
func linkHTML(u string) string {
	prefix := "http://"
	if strings.HasPrefix(u, "https://") {
		prefix = "https://"
	}
	if strings.HasPrefix(u[len(prefix):], "www.") {
		prefix += "www."
	}
	rest := []rune(u[len(prefix):])
	display, suffix, class := string(rest), "", ""
	if len(rest) > 30 {
		display, suffix, class = string(rest[:30]), string(rest[30:]), "ellipsis"
	}
	return `<a href="` + html.EscapeString(u) + `" rel="nofollow noopener noreferrer" target="_blank">` +
		`<span class="invisible">` + html.EscapeString(prefix) + `</span>` +
		`<span class="` + class + `">` + html.EscapeString(display) + `</span>` +
		`<span class="invisible">` + html.EscapeString(suffix) + `</span></a>`
}

// parseMention reads "user" or "user@domain[:port]" after an "@": the
// username is letters, digits and underscores with dots or dashes inside.
func parseMention(s string) (user, domain string, n int) {
	u := 0
	for u < len(s) && (isASCIIWord(s[u]) || ((s[u] == '.' || s[u] == '-') && u > 0)) {
		u++
	}
	for u > 0 && (s[u-1] == '.' || s[u-1] == '-') {
		u--
	}
	if u == 0 {
		return "", "", 0
	}
	user, n = s[:u], u
	if n < len(s) && s[n] == '@' {
		d := n + 1
		for d < len(s) && (isASCIIWord(s[d]) || s[d] == '.' || s[d] == '-') {
			d++
		}
		for d > n+1 && (s[d-1] == '.' || s[d-1] == '-') {
			d--
		}
		if d > n+1 {
			if d < len(s) && s[d] == ':' {
				p := d + 1
				for p < len(s) && s[p] >= '0' && s[p] <= '9' {
					p++
				}
				if p > d+1 {
					d = p
				}
			}
			domain, n = s[n+1:d], d
		}
	}
	return user, domain, n
}

func isASCIIWord(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// tagLen measures a hashtag name at the start of s: letters, digits and
// underscores, with at least one letter.
func tagLen(s string) int {
	n, letter := 0, false
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		if !isWord(r) {
			break
		}
		if unicode.IsLetter(r) {
			letter = true
		}
		n += size
	}
	if !letter {
		return 0
	}
	return n
}

// CountChars counts text as the length limit does: every link as
// CharsPerURL, a remote mention as its "@user" part, anything else by
// character.
func CountChars(text string) int {
	n := 0
	for i := 0; i < len(text); {
		var prev rune
		if i > 0 {
			prev, _ = utf8.DecodeLastRuneInString(text[:i])
		}
		boundary := i == 0 || !(isWord(prev) || prev == '/')
		if boundary && (strings.HasPrefix(text[i:], "https://") || strings.HasPrefix(text[i:], "http://")) {
			if l := urlLen(text[i:]); l > len("https://") {
				n += CharsPerURL
				i += l
				continue
			}
		}
		if boundary && text[i] == '@' {
			if user, _, l := parseMention(text[i+1:]); l > 0 {
				n += 1 + utf8.RuneCountInString(user)
				i += 1 + l
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		n++
		i += size
	}
	return n
}
