package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/storage/migrations"
)

// TestMigrate runs migrate --status (all pending), migrate, migrate
// --status (all applied) and migrate again (nothing to do) on each database.
func TestMigrate(t *testing.T) {
	var names []string
	for _, m := range migrations.Migrations.Sorted() {
		names = append(names, m.Name)
	}
	if len(names) == 0 {
		t.Fatal("no migrations are registered")
	}
	eachDB(t, func(t *testing.T, dsn string) {
		env := testEnv(t, dsn)

		r := mustRun(t, env, "migrate", "--status")
		for _, n := range names {
			if !regexp.MustCompile(`(?m)^pending\s+` + n + `$`).MatchString(r.stdout) {
				t.Errorf("status before migrating lacks %q as pending:\n%s", n, r.stdout)
			}
		}
		if want := fmt.Sprintf("0 applied, %d pending", len(names)); !strings.Contains(r.stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, r.stdout)
		}
		// --status changed nothing: the migrations are still pending.
		if r2 := mustRun(t, env, "migrate", "--status"); r2.stdout != r.stdout {
			t.Errorf("a second --status differs:\n%s\nthen\n%s", r.stdout, r2.stdout)
		}

		r = mustRun(t, env, "migrate")
		for _, n := range names {
			if !regexp.MustCompile(`(?m)^applied\s+` + n + `$`).MatchString(r.stdout) {
				t.Errorf("migrate does not report applying %q:\n%s", n, r.stdout)
			}
		}
		if want := fmt.Sprintf("%d migrations applied", len(names)); !strings.Contains(r.stdout, want) {
			t.Errorf("migrate output lacks %q:\n%s", want, r.stdout)
		}

		r = mustRun(t, env, "migrate", "--status")
		for _, n := range names {
			if !regexp.MustCompile(`(?m)^applied\s+` + n + `\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$`).MatchString(r.stdout) {
				t.Errorf("status after migrating lacks %q as applied with its time:\n%s", n, r.stdout)
			}
		}
		if want := fmt.Sprintf("%d applied, 0 pending", len(names)); !strings.Contains(r.stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, r.stdout)
		}

		// Applying again is a no-op.
		r = mustRun(t, env, "migrate")
		if !strings.Contains(r.stdout, "0 migrations applied; the database is up to date") || strings.Contains(r.stdout, "applied  ") {
			t.Errorf("a second migrate applied something:\n%s", r.stdout)
		}
	})
}

func TestMigrateBadFlags(t *testing.T) {
	env := map[string]string{"ROUNDS_DB": "sqlite:" + t.TempDir() + "/rounds.db"}
	for _, args := range [][]string{
		{"migrate", "--stat"},
		{"migrate", "up"},
		{"migrate", "--status=maybe"},
	} {
		if r := runCLI(t, env, args...); r.code != 2 {
			t.Errorf("rounds %s: want exit 2\n%v", strings.Join(args, " "), r)
		}
	}
}
