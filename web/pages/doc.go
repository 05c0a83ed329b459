// Package pages serves Rounds' server-rendered HTML: for now the public
// profile page of a local account (/@{username}, and /users/{username} for
// browsers) and the static assets under /static. Templates are
// html/template files embedded in the binary, so every value is escaped.
//
// It may import core, storage and web/httperr.
package pages
