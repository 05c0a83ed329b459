package federation

import (
	"mime"
	"strconv"
	"strings"
)

// Media types of the documents this package renders.
const (
	// ActivityContentType is the Content-Type of every ActivityStreams
	// document Rounds serves; Mastodon (since 4.2.5) and Lemmy reject
	// fetched documents served as anything else.
	ActivityContentType = "application/activity+json"
	// JRDContentType is the Content-Type of a WebFinger answer (RFC 7033).
	JRDContentType = "application/jrd+json; charset=utf-8"
	// XRDContentType is the Content-Type of the XML host-meta document (RFC 6415).
	XRDContentType = "application/xrd+xml; charset=utf-8"
	// activityStreamsProfile is the JSON-LD profile that makes
	// application/ld+json mean ActivityStreams.
	activityStreamsProfile = "https://www.w3.org/ns/activitystreams"
)

// WantsActivity reports whether an HTTP Accept header asks for an
// ActivityStreams document rather than a web page: it names
// application/activity+json, or application/ld+json (with the
// ActivityStreams profile or none), with a quality at least as high as that
// of any HTML type. An empty header, "*/*" and browsers' headers get HTML.
func WantsActivity(accept string) bool {
	var as, html float64 = -1, -1
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		switch mt {
		case "application/activity+json":
			as = max(as, q)
		case "application/ld+json":
			if p, ok := params["profile"]; !ok || hasProfile(p, activityStreamsProfile) {
				as = max(as, q)
			}
		case "text/html", "application/xhtml+xml":
			html = max(html, q)
		}
	}
	return as > 0 && as >= html
}

// hasProfile reports whether a space-separated JSON-LD profile list names want.
func hasProfile(list, want string) bool {
	for _, p := range strings.Fields(list) {
		if p == want {
			return true
		}
	}
	return false
}
