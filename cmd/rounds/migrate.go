package main

import (
	"context"
	"fmt"
)

// cmdMigrate implements "rounds migrate [--status]".
func cmdMigrate(ctx context.Context, e env, args []string) error {
	fs := newFlagSet("migrate", e.stderr)
	status := fs.Bool("status", false, "list applied and pending migrations and change nothing")
	load := configFlags(fs, e.getenv)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, e)
	if err != nil {
		return err
	}
	defer a.close()
	if *status {
		all, err := a.store.MigrationStatuses(ctx)
		if err != nil {
			return err
		}
		pending := 0
		for _, m := range all {
			if m.Applied {
				fmt.Fprintf(e.stdout, "applied  %s  %s\n", m.Name, m.AppliedAt.UTC().Format("2006-01-02 15:04:05Z"))
			} else {
				pending++
				fmt.Fprintf(e.stdout, "pending  %s\n", m.Name)
			}
		}
		fmt.Fprintf(e.stdout, "%d applied, %d pending\n", len(all)-pending, pending)
		return nil
	}
	applied, err := a.store.Migrate(ctx)
	if err != nil {
		return err
	}
	for _, name := range applied {
		fmt.Fprintf(e.stdout, "applied  %s\n", name)
	}
	fmt.Fprintf(e.stdout, "%d migrations applied; the database is up to date\n", len(applied))
	return nil
}
