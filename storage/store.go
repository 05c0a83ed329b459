package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" database/sql driver
)

// Config says which database to open.
type Config struct {
	// DSN is "sqlite:PATH" (also "sqlite://PATH") or a "postgres://" URL.
	DSN string
	// MaxOpenConns caps the pool; 0 means the default (25 for PostgreSQL,
	// 8 for SQLite, which serialises writers anyway). On SQLite one of
	// them is kept for writing unless the cap is 1 (writegate.go).
	MaxOpenConns int
	// ReadCacheTTL bounds how long a cached account row, profile or
	// counter is believed when no write of this process invalidated it
	// (readcache.go); 0 means DefaultReadCacheTTL, negative turns the
	// cache off.
	ReadCacheTTL time.Duration
	// StatusCacheBytes bounds the cache of status rows kept by ID
	// (statuscache.go), which follows the read cache's TTL and is off
	// with it; 0 means DefaultStatusCacheBytes, negative turns it off.
	StatusCacheBytes int
	// HomeFlushDelay is how long, on SQLite, the followers' home-feed
	// rows of a post wait to be written together with those of the posts
	// that follow it (home_pending.go); readers of the feeds never wait
	// for it. 0 means DefaultHomeFlushDelay; negative flushes as soon as
	// the previous flush has ended.
	HomeFlushDelay time.Duration
	// Logger receives what fails in the Store's own background work (the
	// deferred home-feed flush on SQLite), which has no caller to return
	// an error to; nil discards it.
	Logger *slog.Logger
}

// Dialect names the database engine behind a Store.
type Dialect string

// The two engines Rounds runs on.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store is Rounds' handle on its database. It is safe for concurrent use.
type Store struct {
	db      *bun.DB
	idb     bun.IDB
	dialect Dialect
	ids     *IDGen
	file    string // the SQLite database file; "" on PostgreSQL
	cache   *readCache
	stmts   *stmtCache // prepared.go
	// writer queues and groups write transactions on SQLite
	// (writegate.go); nil on PostgreSQL and in a Store bound to a
	// transaction.
	writer *writeGate
	// feeds runs the followers' deferred home-feed writes on SQLite
	// (home_pending.go); nil on PostgreSQL.
	feeds *homeFeeds
}

// Open connects to the database named by cfg and checks that it answers.
// It does not apply migrations; see Migrate.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	dialect, driver, dsn, err := parseDSN(cfg.DSN)
	if err != nil {
		return nil, err
	}
	sqldb, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", dialect, err)
	}
	var db *bun.DB
	switch dialect {
	case SQLite:
		n := cfg.MaxOpenConns
		if n == 0 {
			n = 8
		}
		sqldb.SetMaxOpenConns(n)
		sqldb.SetMaxIdleConns(n)
		db = bun.NewDB(sqldb, sqlitedialect.New())
	default:
		n := cfg.MaxOpenConns
		if n == 0 {
			n = 25
		}
		sqldb.SetMaxOpenConns(n)
		sqldb.SetMaxIdleConns(n)
		sqldb.SetConnMaxIdleTime(5 * time.Minute)
		db = bun.NewDB(sqldb, pgdialect.New())
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("storage: cannot reach the %s database: %w", dialect, err)
	}
	st := &Store{db: db, idb: db, dialect: dialect, ids: NewIDGen(), cache: newReadCache(cfg.ReadCacheTTL, cfg.StatusCacheBytes),
		stmts: &stmtCache{stmts: map[string]*sql.Stmt{}}}
	if st.cache != nil {
		db.AddQueryHook(cacheHook{st.cache})
	}
	if dialect == SQLite {
		st.file = sqlitePath(cfg.DSN)
		st.writer = newWriteGate(db)
		delay := cfg.HomeFlushDelay
		if delay == 0 {
			delay = DefaultHomeFlushDelay
		}
		st.feeds = newHomeFeeds(st, delay, cfg.Logger)
		if err := st.recoverHomeFeeds(ctx); err != nil {
			_ = db.Close()
			return nil, err
		}
	}
	return st, nil
}

// parseDSN turns a Rounds DSN into a database/sql driver name and its DSN.
func parseDSN(raw string) (Dialect, string, string, error) {
	switch {
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		u, err := url.Parse(raw)
		if err != nil {
			return "", "", "", fmt.Errorf("storage: invalid postgres URL: %w", err)
		}
		// pgx's default mode (prepare each statement text, cache it per
		// connection) stays: the hot reads are prepared statements
		// (prepared.go), which it runs as such; the simple protocol made
		// PostgreSQL parse and plan them on every call and measured 30-40 %
		// slower on the home timeline (docs/performance.md).
		//
		// The prepared statements (prepared.go: the home page's reads, the
		// writes of each post, activity and job) are the only ones with
		// parameters (bun writes its arguments into the text), and
		// PostgreSQL's default plan_cache_mode planned the home page's two
		// afresh on every call: their custom plans looked cheaper than the
		// generic one, so it never switched. Planning them took longer than
		// running them (docs/performance.md, change 12); their generic
		// plans are the same index scans, and a connection no longer makes
		// five custom plans of each write before it settles. A DSN that
		// sets plan_cache_mode keeps its own.
		q := u.Query()
		if !q.Has("plan_cache_mode") {
			q.Set("plan_cache_mode", "force_generic_plan")
			u.RawQuery = q.Encode()
		}
		return Postgres, "pgx", u.String(), nil
	case strings.HasPrefix(raw, "sqlite:"):
		path := sqlitePath(raw)
		if path == "" {
			return "", "", "", errors.New("storage: sqlite: DSN needs a file path, as in sqlite:./data/rounds.db")
		}
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return "", "", "", fmt.Errorf("storage: sqlite: create %s: %w", dir, err)
			}
		}
		q := url.Values{}
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Add("_pragma", "temp_store(MEMORY)")
		q.Add("_pragma", "wal_autocheckpoint(10000)")
		q.Set("_txlock", "immediate")
		return SQLite, "sqlite", "file:" + path + "?" + q.Encode(), nil
	default:
		return "", "", "", fmt.Errorf("storage: unsupported database %q: use sqlite:PATH or a postgres:// URL", redact(raw))
	}
}

// sqlitePath is the file named by a sqlite: DSN.
func sqlitePath(raw string) string {
	return strings.TrimPrefix(strings.TrimPrefix(raw, "sqlite:"), "//")
}

// redact hides a password in a URL-shaped DSN before it reaches a message.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Dialect reports which engine the store runs on.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB exposes the database/sql handle, for pool statistics.
func (s *Store) DB() *sql.DB { return s.db.DB }

// Close writes the home-feed rows still pending (SQLite), then closes
// the connection pool.
func (s *Store) Close() error {
	ferr := s.closeHomeFeeds(context.Background())
	s.ReleaseWriteConnection()
	s.stmts.close()
	if err := s.db.Close(); err != nil {
		return err
	}
	return ferr
}

// ReleaseWriteConnection closes the connection through which this Store
// writes on SQLite, which it otherwise keeps (with a larger page cache)
// from one write transaction to the next. Call it before shrinking the
// pool to a single connection through DB, which would otherwise wait for
// the kept one forever. The next write takes a connection again.
func (s *Store) ReleaseWriteConnection() {
	if s.writer != nil {
		s.writer.dropConnection()
	}
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// NewID returns a fresh time-sortable ID.
func (s *Store) NewID() int64 { return s.ids.Next(time.Now()) }

// InTx runs fn with a Store bound to one transaction, committing when fn
// returns nil and rolling back otherwise. Nested calls reuse the outer
// transaction. On SQLite, transactions that queue for the write lock are
// committed in groups, each in its own savepoint (writegate.go): fn's
// writes are committed, or undone, exactly as they would be alone, and
// InTx returns once they are.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context, tx *Store) error) error {
	return s.runTx(ctx, false, fn)
}

// runTx is InTx; on SQLite, alone keeps fn's transaction out of a group
// with others' (writeGate), so that it runs without a SAVEPOINT.
func (s *Store) runTx(ctx context.Context, alone bool, fn func(ctx context.Context, tx *Store) error) error {
	if _, ok := s.idb.(bun.Tx); ok {
		return fn(ctx, s)
	}
	run := s.db.RunInTx
	if s.writer != nil {
		run = func(ctx context.Context, _ *sql.TxOptions, f func(context.Context, bun.Tx) error) error {
			return s.writer.do(ctx, alone, f)
		}
	}
	if s.cache == nil {
		return run(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			return fn(ctx, &Store{db: s.db, idb: tx, dialect: s.dialect, ids: s.ids, file: s.file, stmts: s.stmts, feeds: s.feeds})
		})
	}
	w := &txWrites{kinds: map[cacheKind]bool{}}
	defer s.cache.ended(w)
	ctx = context.WithValue(ctx, txWritesKey{}, w)
	return run(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return fn(ctx, &Store{db: s.db, idb: tx, dialect: s.dialect, ids: s.ids, file: s.file, cache: s.cache, stmts: s.stmts, feeds: s.feeds})
	})
}
