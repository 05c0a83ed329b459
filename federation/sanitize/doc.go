// Package sanitize cleans HTML that other servers send (post content,
// profile notes) down to what Mastodon itself keeps, so that nothing a
// remote server writes can run script, load content or style a page when a
// client or Rounds' pages show it.
//
// It may import the standard library and github.com/microcosm-cc/bluemonday.
package sanitize
