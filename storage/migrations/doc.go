// Package migrations holds Rounds' schema changes for bun/migrate.
//
// Migrations are append-only and named by timestamp. Each is plain SQL that
// runs unchanged on SQLite and PostgreSQL (types such as BIGINT, TEXT,
// BOOLEAN and TIMESTAMPTZ mean the same to both); where the dialects differ
// a migration branches on db.Dialect(). They never import live models, so a
// later change to a Go struct cannot change what an old migration did.
package migrations

import "github.com/uptrace/bun/migrate"

// Migrations is the ordered set of Rounds' migrations.
var Migrations = migrate.NewMigrations()
