// Package oauth holds the rules of Rounds' OAuth 2 authorization server as
// Mastodon clients expect it: scopes and what they imply, app
// registration, authorization codes with PKCE, access and refresh tokens
// (stored as SHA-256 hashes, never expiring unless revoked), the grants
// of the token endpoint, browser sign-in sessions, and the sign-in rate
// limiter.
//
// It imports core, core/account (password checks), core/instance and
// storage; never gin, bun or anything under web.
package oauth
