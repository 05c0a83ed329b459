// Package search finds accounts, hashtags and statuses for a viewer.
//
// Accounts: shown accounts (never suspended ones, never those blocking
// the viewer) by username or display-name prefix, or one account by its
// address (user@domain, resolved on its server through core/profile's
// resolver when asked to) or by its profile or actor URL (this instance's,
// or a remote one already known; URLs not known yet resolve through a
// URIResolver once federation provides one). Hashtags: by name prefix,
// only names carried by a public or unlisted status or followed by the
// viewer, so that a tag used only in private posts is never revealed.
// Statuses (signed-in viewers only): a case-insensitive substring of the
// text or content warning, among the statuses within the viewer's reach —
// public ones, its own, unlisted and private ones of accounts it follows,
// those mentioning it — each then passed through visibility.MaySee, so a
// private or direct status never leaves its audience.
//
// The match is a portable LIKE on lower-cased text (storage/search.go);
// see docs/decisions/20261127-search.md.
//
// It imports core, core/profile, core/tag, core/timeline and storage.
package search
