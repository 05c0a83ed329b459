// Package filter holds a person's keyword and status filters (Mastodon's
// v2 filters, with the v1 API's view of them) and the matching rules: a
// filter applies in the contexts it names (home and lists, notifications,
// public timelines, threads, profiles) until it expires; its keywords
// match the status text and content warning case-insensitively, either
// anywhere or as whole words (Unicode letters and digits count as word
// characters); a "hide" filter leaves a matching status out of those
// contexts, a "warn" filter marks it for the client to fold away.
//
// It imports core and storage.
package filter
