// Package profile holds what an account's profile shows through the API:
// the account with its counts (statuses, followers, following, last post),
// and which accounts may be looked up at all (not the instance actor, not
// the suspended). Resolve also asks an AcctResolver (federation) about a
// remote user@domain not known yet.
//
// It imports core, core/credential (to load each account's professional
// card), core/instance, core/media and core/outbox (for Editor) and storage.
package profile
