// Package oauth is the HTTP edge of Rounds' OAuth 2 authorization server,
// shaped as Mastodon clients expect it: app registration
// (POST /api/v1/apps), the server-rendered sign-in and consent pages
// (GET/POST /oauth/authorize), the token and revocation endpoints, the
// RFC 8414 metadata document, and the bearer-token middleware every API
// handler relies on (Authenticate, Require, RequireUser, FromContext).
//
// The rules live in core/oauth; this package parses requests, renders
// HTML and JSON, and sets cookies. It may import core, core/oauth,
// core/instance, storage (for model types), web/httperr and web/jsonbody.
package oauth
