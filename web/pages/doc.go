// Package pages serves Rounds' server-rendered HTML: the profile page of a
// local account (/@{username}, and /users/{username} for browsers) with
// the professional fields its viewer may see, the page of one local status
// (/@{username}/{id}, mounted by web/activitypub, which answers
// ActivityStreams requests there) and of a hashtag (/tags/{name}), read
// through the same core calls as the Mastodon API, the page of a known remote
// account (/@{user@domain}, where a signed-in viewer may ask its Rounds
// instance for what it shows them), the professional directory
// (/directory), one's own professional profile editor
// (/settings/profile), the staff's verification pages (/admin/accounts)
// and the static assets under /static. Signed-in pages use the browser
// session of web/oauth through the Sessions interface. Templates are
// html/template files embedded in the binary, so every value is escaped.
//
// It may import core, storage, web/httperr and federation/sanitize (to
// show remote HTML as text).
package pages
