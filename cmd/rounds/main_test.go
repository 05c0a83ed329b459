package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// result is what one in-process command line produced.
type result struct {
	code   int
	stdout string
	stderr string
}

// String shows a result in failure messages.
func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// runCLI runs one command line through run, with env as the whole
// environment (nothing of the real one leaks in).
func runCLI(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, mapEnv(env), &out, &errb)
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

// mapEnv turns a map into a getenv function.
func mapEnv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// eachDB runs fn as two subtests, "sqlite" and "postgres", each with the
// DSN of a fresh, empty (unmigrated) database for ROUNDS_DB.
func eachDB(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	for _, d := range []storage.Dialect{storage.SQLite, storage.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			fn(t, storagetest.Config(t, d).DSN)
		})
	}
}

// testEnv is the environment of a command run against dsn, with the data
// directory in the test's temporary directory.
func testEnv(t *testing.T, dsn string) map[string]string {
	return map[string]string{
		"ROUNDS_DB":       dsn,
		"ROUNDS_DATA_DIR": t.TempDir(),
		"ROUNDS_DOMAIN":   "rounds.test",
	}
}

// mustRun runs a command line that must succeed.
func mustRun(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	r := runCLI(t, env, args...)
	if r.code != 0 {
		t.Fatalf("rounds %s: %v", strings.Join(args, " "), r)
	}
	return r
}

// syncBuffer is a bytes.Buffer safe for a server goroutine to write while
// the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestTopLevelCommands(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{name: "version", args: []string{"version"}, code: 0, stdout: "rounds " + version + "\n"},
		{name: "--version", args: []string{"--version"}, code: 0, stdout: "rounds " + version + "\n"},
		{name: "help", args: []string{"help"}, code: 0, stdout: "admin account create"},
		{name: "no command", args: nil, code: 2, stderr: "Usage: rounds <command>"},
		{name: "unknown command", args: []string{"frobnicate"}, code: 2, stderr: `unknown command "frobnicate"`},
		{name: "unknown flag", args: []string{"serve", "--frobnicate"}, code: 2, stderr: "flag provided but not defined: -frobnicate"},
		{name: "stray argument", args: []string{"migrate", "now"}, code: 2, stderr: `unexpected argument "now"`},
		{name: "serve help", args: []string{"serve", "--help"}, code: 0, stderr: "ROUNDS_DB"},
		{name: "admin without subcommand", args: []string{"admin"}, code: 2, stderr: "admin account create|list"},
		{name: "admin wrong noun", args: []string{"admin", "user", "list"}, code: 2, stderr: "admin account create|list"},
		{name: "admin unknown subcommand", args: []string{"admin", "account", "delete"}, code: 2, stderr: `unknown subcommand "delete"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// A database that cannot be reached: none of these commands
			// may get as far as opening it.
			env := map[string]string{"ROUNDS_DB": "postgres://nobody@127.0.0.1:1/x"}
			r := runCLI(t, env, tc.args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\n%v", r.code, tc.code, r)
			}
			if tc.stdout != "" && !strings.Contains(r.stdout, tc.stdout) {
				t.Errorf("stdout lacks %q\n%v", tc.stdout, r)
			}
			if tc.stderr != "" && !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("stderr lacks %q\n%v", tc.stderr, r)
			}
			if tc.code == 2 && !strings.Contains(r.stderr, "Usage: rounds") {
				t.Errorf("a usage error should print the usage\n%v", r)
			}
		})
	}
}

// TestUnreachableDatabase checks that every command that needs the
// database says so clearly and exits 1 when it cannot reach it.
func TestUnreachableDatabase(t *testing.T) {
	env := map[string]string{"ROUNDS_DB": "postgres://nobody@127.0.0.1:1/x", "ROUNDS_DATA_DIR": t.TempDir()}
	for _, args := range [][]string{
		{"serve"},
		{"serve", "--no-migrate"},
		{"migrate"},
		{"migrate", "--status"},
		{"admin", "account", "create", "--username", "alice", "--email", "alice@example.org", "--password", "correct horse"},
		{"admin", "account", "list"},
		{"admin", "account", "suspend", "--username", "alice"},
		{"admin", "account", "unsuspend", "--username", "alice"},
		{"admin", "account", "password", "--username", "alice", "--password", "correct horse"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := runCLI(t, env, args...)
			if r.code != 1 || !strings.Contains(r.stderr, "cannot reach the postgres database") {
				t.Errorf("want exit 1 naming the unreachable database\n%v", r)
			}
		})
	}
}
