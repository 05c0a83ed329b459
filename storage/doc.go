// Package storage holds Rounds' persistence: bun models, queries and the
// connection to SQLite (embedded default) or PostgreSQL (production).
//
// It imports nothing of Rounds'. Dialect differences stay inside this
// package; callers see plain Go values and the sentinel errors in errors.go.
package storage
