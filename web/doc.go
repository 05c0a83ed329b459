// Package web is Rounds' HTTP edge for clients and browsers: one gin engine,
// one route table, the middleware every request passes, and errors.go, the
// one place where errors become HTTP statuses.
//
// web may import core, storage (for its error kinds) and federation; gin
// lives only here and below.
package web
