// Package core holds the error kinds shared by Rounds' rules. Its
// subpackages hold the rules themselves, one concept each, called alike by
// the Mastodon API, the inbox and the HTML pages.
//
// core may import storage and the standard library; never web, federation,
// gin, go-fed or bun.
package core
