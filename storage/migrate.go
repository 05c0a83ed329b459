package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun/migrate"

	"github.com/rounds-md/rounds/storage/migrations"
)

// MigrationStatus is one migration and whether it has been applied.
type MigrationStatus struct {
	Name      string
	Applied   bool
	AppliedAt time.Time
}

// migrator builds a bun migrator for Rounds' migrations. A failed migration
// is not marked applied, so it runs again after a fix.
func (s *Store) migrator() *migrate.Migrator {
	return migrate.NewMigrator(s.db, migrations.Migrations, migrate.WithMarkAppliedOnSuccess(true))
}

// withMigrationLock serialises migrations between processes sharing one
// database: on PostgreSQL an advisory lock held on one connection, on
// SQLite an exclusive lock on a file beside the database. (SQLite's write
// lock alone does not do it: bun applies a migration and marks it applied
// in separate transactions, so a second process could apply it again.)
func (s *Store) withMigrationLock(ctx context.Context, fn func() error) error {
	if s.dialect != Postgres {
		unlock, err := lockFile(s.file + ".migrate-lock")
		if err != nil {
			return fmt.Errorf("storage: migration lock: %w", err)
		}
		defer unlock()
		return fn()
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("storage: migration lock: %w", err)
	}
	defer conn.Close()
	const key = 7206351901 // an arbitrary constant that names Rounds' migration lock
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(?)", key); err != nil {
		return fmt.Errorf("storage: migration lock: %w", err)
	}
	defer func() { _, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", key) }()
	return fn()
}

// Migrate applies every pending migration and returns the names applied.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	var applied []string
	err := s.withMigrationLock(ctx, func() error {
		m := s.migrator()
		if err := m.Init(ctx); err != nil {
			return fmt.Errorf("storage: migrate: init: %w", err)
		}
		group, err := m.Migrate(ctx)
		if err != nil {
			return fmt.Errorf("storage: migrate: %w", err)
		}
		for _, mg := range group.Migrations {
			applied = append(applied, mg.Name)
		}
		return nil
	})
	return applied, err
}

// MigrationStatuses lists every known migration, oldest first, with whether
// it has been applied. It creates nothing in the database.
func (s *Store) MigrationStatuses(ctx context.Context) ([]MigrationStatus, error) {
	sorted := migrations.Migrations.Sorted()
	out := make([]MigrationStatus, 0, len(sorted))
	applied := map[string]time.Time{}
	exists, err := s.tableExists(ctx, "bun_migrations")
	if err != nil {
		return nil, fmt.Errorf("storage: migration status: %w", err)
	}
	if exists {
		var rows []struct {
			Name       string    `bun:"name"`
			MigratedAt time.Time `bun:"migrated_at"`
		}
		if err := s.db.NewSelect().Table("bun_migrations").Column("name", "migrated_at").Scan(ctx, &rows); err != nil {
			return nil, fmt.Errorf("storage: migration status: %w", err)
		}
		for _, r := range rows {
			applied[r.Name] = r.MigratedAt
		}
	}
	for _, m := range sorted {
		at, ok := applied[m.Name]
		out = append(out, MigrationStatus{Name: m.Name, Applied: ok, AppliedAt: at})
	}
	return out, nil
}

// Pending lists the names of migrations not yet applied.
func (s *Store) Pending(ctx context.Context) ([]string, error) {
	all, err := s.MigrationStatuses(ctx)
	if err != nil {
		return nil, err
	}
	var pending []string
	for _, m := range all {
		if !m.Applied {
			pending = append(pending, m.Name)
		}
	}
	return pending, nil
}

// tableExists reports whether a table of that name is in the database (the
// current schema on PostgreSQL).
func (s *Store) tableExists(ctx context.Context, name string) (bool, error) {
	var n int
	var err error
	if s.dialect == Postgres {
		err = s.db.NewRaw("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?", name).Scan(ctx, &n)
	} else {
		err = s.db.NewRaw("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", name).Scan(ctx, &n)
	}
	return n > 0, err
}
