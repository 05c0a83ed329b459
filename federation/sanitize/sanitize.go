package sanitize

import (
	"html"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
)

// allowedClasses are the microformat and Mastodon classes a remote post
// may keep (Mastodon's Sanitize::Config class allowlist).
var allowedClasses = regexp.MustCompile(`^((h|p|u|dt|e)-[a-z0-9-]+|mention|hashtag|ellipsis|invisible)( ((h|p|u|dt|e)-[a-z0-9-]+|mention|hashtag|ellipsis|invisible))*$`)

// policy is Mastodon's MASTODON_STRICT configuration: paragraphs, line
// breaks, links and a few inline and list elements; links keep http(s)
// and a few other schemes, and get rel="nofollow noopener noreferrer" and
// target="_blank".
func policy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "span", "a", "del", "s", "pre", "blockquote", "code", "b", "strong", "u", "i", "em", "ul", "ol", "li")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("class").Matching(allowedClasses).OnElements("a", "span")
	p.AllowAttrs("translate").Matching(regexp.MustCompile(`^no$`)).OnElements("a", "span")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("reversed").Matching(regexp.MustCompile(`^(reversed)?$`)).OnElements("ol")
	p.AllowAttrs("value").Matching(bluemonday.Integer).OnElements("li")
	p.AllowURLSchemes("http", "https", "dat", "dweb", "ipfs", "ipns", "ssb", "gopher", "xmpp", "magnet", "gemini")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}

var (
	strict = policy()
	none   = bluemonday.StrictPolicy()
)

// HTML returns remote HTML with only Mastodon's allowed elements and
// attributes left. A bluemonday Policy is safe for concurrent use.
func HTML(s string) string { return strings.TrimSpace(strict.Sanitize(s)) }

// Text returns the text of remote HTML with every tag removed and the
// entities decoded (for a content warning or a report comment), with
// paragraphs and line breaks kept as newlines.
func Text(s string) string {
	s = strings.NewReplacer("<br>", "\n", "<br/>", "\n", "<br />", "\n", "</p><p>", "\n\n").Replace(s)
	return strings.TrimSpace(html.UnescapeString(none.Sanitize(s)))
}
