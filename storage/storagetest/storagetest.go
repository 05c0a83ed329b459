// Package storagetest runs tests against both of Rounds' databases.
//
// Each gives every test a fresh, migrated database: a SQLite file in the
// test's temporary directory, and a PostgreSQL schema of its own on the
// server named by ROUNDS_TEST_POSTGRES. Without that variable the Postgres
// half skips with a message on a laptop and fails when CI is set.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for creating schemas

	"github.com/rounds-md/rounds/storage"
)

// PostgresEnv names the environment variable holding a PostgreSQL URL where
// tests may create schemas.
const PostgresEnv = "ROUNDS_TEST_POSTGRES"

// Each runs fn as two subtests, "sqlite" and "postgres", each with its own
// fresh, migrated Store, configured further by opts.
func Each(t *testing.T, fn func(t *testing.T, s *storage.Store), opts ...func(*storage.Config)) {
	t.Helper()
	for _, d := range []storage.Dialect{storage.SQLite, storage.Postgres} {
		t.Run(string(d), func(t *testing.T) { fn(t, Open(t, d, opts...)) })
	}
}

// Open returns a fresh, migrated Store of dialect d, configured further by
// opts and closed when the test or benchmark ends.
func Open(tb testing.TB, d storage.Dialect, opts ...func(*storage.Config)) *storage.Store {
	tb.Helper()
	cfg := Config(tb, d)
	for _, o := range opts {
		o(&cfg)
	}
	s, err := storage.Open(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("open %s: %v", d, err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		tb.Fatalf("migrate %s: %v", d, err)
	}
	return s
}

// NoReadCache turns the Store's read cache off, for tests that write to
// the database behind the Store's back (through DB()) and read the result
// through it at once, as only another process would in production.
func NoReadCache(c *storage.Config) { c.ReadCacheTTL = -1 }

// Config returns the storage configuration of a fresh, empty database of
// the given dialect for this test, removed when the test ends. On
// PostgreSQL it skips (or fails under CI) when ROUNDS_TEST_POSTGRES is unset.
func Config(t testing.TB, d storage.Dialect) storage.Config {
	t.Helper()
	if d == storage.SQLite {
		return storage.Config{DSN: "sqlite:" + filepath.Join(t.TempDir(), "rounds.db")}
	}
	base := os.Getenv(PostgresEnv)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set: CI must run the PostgreSQL half of every storage test", PostgresEnv)
		}
		t.Skipf("postgres: %s is not set; set it to a PostgreSQL URL (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run this half", PostgresEnv)
	}
	schema := "t_" + randomHex(8)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("postgres: create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("postgres: %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return storage.Config{DSN: u.String(), MaxOpenConns: 4}
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("storagetest: random: %v", err))
	}
	return hex.EncodeToString(b)
}
