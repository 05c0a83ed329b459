package main

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/storage"
)

// TestAdminAccount runs every "admin account" subcommand, succeeding and
// failing, against one database of each kind, then checks what was stored.
func TestAdminAccount(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		env := testEnv(t, dsn)

		// Before migrating, admin commands refuse rather than change the schema.
		r := runCLI(t, env, "admin", "account", "list")
		if r.code != 1 || !strings.Contains(r.stderr, "pending") || !strings.Contains(r.stderr, `run "rounds migrate"`) {
			t.Fatalf("admin before migrate: want exit 1 asking to migrate\n%v", r)
		}
		mustRun(t, env, "migrate")

		create := func(extra ...string) []string {
			return append([]string{"admin", "account", "create"}, extra...)
		}
		for _, step := range []struct {
			name   string
			args   []string
			code   int
			stdout string
			stderr string
		}{
			{"create admin", create("--username", "alice", "--email", "alice@example.org", "--password", "alice-pass-1", "--role", "admin"),
				0, "created @alice", ""},
			{"create member", create("--username", "Bob_2", "--email", "bob@example.org", "--password", "bob-pass-1", "--display-name", "Dr Bob", "--locked"),
				0, "role member", ""},
			{"taken username", create("--username", "alice", "--email", "other@example.org", "--password", "long enough"),
				1, "", "username alice is already taken"},
			{"taken username in another case", create("--username", "ALICE", "--email", "other@example.org", "--password", "long enough"),
				1, "", "already taken"},
			{"taken email", create("--username", "carol", "--email", "alice@example.org", "--password", "long enough"),
				1, "", "email alice@example.org is already taken"},
			{"taken email in another case", create("--username", "carol", "--email", "Alice@Example.ORG", "--password", "long enough"),
				1, "", "is already taken"},
			{"invalid email", create("--username", "carol", "--email", "carol-at-example.org", "--password", "long enough"),
				1, "", "email is not a valid e-mail address"},
			{"email with a name", create("--username", "carol", "--email", "Carol <carol@example.org>", "--password", "long enough"),
				1, "", "email is not a valid e-mail address"},
			{"short password", create("--username", "carol", "--email", "carol@example.org", "--password", "1234567"),
				1, "", "password must be at least 8 characters"},
			{"bad role", create("--username", "carol", "--email", "carol@example.org", "--password", "long enough", "--role", "owner"),
				1, "", "role must be admin, moderator or member"},
			{"bad username", create("--username", "carol.smith", "--email", "carol@example.org", "--password", "long enough"),
				1, "", "username must be 1 to 30 letters"},
			{"missing username", create("--email", "carol@example.org", "--password", "long enough"),
				2, "", "--username is required"},
			{"missing email", create("--username", "carol", "--password", "long enough"),
				2, "", "--email is required"},
			{"missing password", create("--username", "carol", "--email", "carol@example.org"),
				2, "", "--password is required"},
			{"unknown flag", create("--username", "carol", "--email", "carol@example.org", "--password", "long enough", "--admin"),
				2, "", "flag provided but not defined: -admin"},
			{"suspend", []string{"admin", "account", "suspend", "--username", "bob_2"},
				0, "suspended @bob_2", ""},
			{"suspend unknown", []string{"admin", "account", "suspend", "--username", "nobody"},
				1, "", `no local account named "nobody"`},
			{"suspend without username", []string{"admin", "account", "suspend"},
				2, "", "--username is required"},
			{"unsuspend unknown", []string{"admin", "account", "unsuspend", "--username", "nobody"},
				1, "", `no local account named "nobody"`},
			{"unsuspend without username", []string{"admin", "account", "unsuspend"},
				2, "", "--username is required"},
			{"password", []string{"admin", "account", "password", "--username", "ALICE", "--password", "a-new-password"},
				0, "password changed for @ALICE", ""},
			{"password too short", []string{"admin", "account", "password", "--username", "alice", "--password", "short"},
				1, "", "password must be at least 8 characters"},
			{"password of unknown", []string{"admin", "account", "password", "--username", "nobody", "--password", "long enough"},
				1, "", `no local account named "nobody"`},
			{"password without password", []string{"admin", "account", "password", "--username", "alice"},
				2, "", "--password is required"},
			{"password without username", []string{"admin", "account", "password", "--password", "long enough"},
				2, "", "--username is required"},
			{"list with a stray argument", []string{"admin", "account", "list", "all"},
				2, "", `unexpected argument "all"`},
		} {
			r := runCLI(t, env, step.args...)
			if r.code != step.code {
				t.Errorf("%s: exit %d, want %d\n%v", step.name, r.code, step.code, r)
				continue
			}
			if step.stdout != "" && !strings.Contains(r.stdout, step.stdout) {
				t.Errorf("%s: stdout lacks %q\n%v", step.name, step.stdout, r)
			}
			if step.stderr != "" && !strings.Contains(r.stderr, step.stderr) {
				t.Errorf("%s: stderr lacks %q\n%v", step.name, step.stderr, r)
			}
			if step.code != 0 && strings.Contains(r.stdout, "created") {
				t.Errorf("%s: failed but printed %q", step.name, r.stdout)
			}
		}

		// list: both accounts with role and status, not the instance actor.
		r = mustRun(t, env, "admin", "account", "list")
		wantRows := []*regexp.Regexp{
			regexp.MustCompile(`(?m)^ID\s+USERNAME\s+ROLE\s+STATUS\s+CREATED$`),
			regexp.MustCompile(`(?m)^\d+\s+alice\s+admin\s+active\s+\d{4}-\d\d-\d\d$`),
			regexp.MustCompile(`(?m)^\d+\s+Bob_2\s+member\s+suspended\s+\d{4}-\d\d-\d\d$`),
		}
		for _, re := range wantRows {
			if !re.MatchString(r.stdout) {
				t.Errorf("list lacks a row matching %s:\n%s", re, r.stdout)
			}
		}
		if n := strings.Count(strings.TrimSpace(r.stdout), "\n"); n != 2 {
			t.Errorf("list has %d accounts, want 2:\n%s", n, r.stdout)
		}

		mustRun(t, env, "admin", "account", "unsuspend", "--username", "BOB_2")
		r = mustRun(t, env, "admin", "account", "list")
		if !regexp.MustCompile(`(?m)^\d+\s+Bob_2\s+member\s+active\s`).MatchString(r.stdout) {
			t.Errorf("after unsuspend, list shows:\n%s", r.stdout)
		}

		checkStoredAccounts(t, dsn)
	})
}

// checkStoredAccounts looks in the database behind the commands of
// TestAdminAccount.
func checkStoredAccounts(t *testing.T, dsn string) {
	t.Helper()
	ctx := context.Background()
	s, err := storage.Open(ctx, storage.Config{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	alice, err := s.AccountByUsername(ctx, "alice", "")
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.UserByID(ctx, *alice.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if u.Role != account.RoleAdmin || !u.Approved || u.ConfirmedAt == nil || alice.Locked || alice.Suspended() {
		t.Errorf("alice: role %s approved %v confirmed %v locked %v suspended %v; want an approved, confirmed, unlocked, active admin",
			u.Role, u.Approved, u.ConfirmedAt != nil, alice.Locked, alice.Suspended())
	}
	if !account.CheckPassword(u.PasswordHash, "a-new-password") || account.CheckPassword(u.PasswordHash, "alice-pass-1") {
		t.Error("alice's password was not changed by admin account password")
	}

	bob, err := s.AccountByUsername(ctx, "bob_2", "")
	if err != nil {
		t.Fatal(err)
	}
	bu, err := s.UserByID(ctx, *bob.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if bob.Username != "Bob_2" || bob.DisplayName != "Dr Bob" || !bob.Locked || bob.Suspended() || bu.Role != account.RoleMember || !bu.Approved || bu.ConfirmedAt == nil {
		t.Errorf("bob: %+v / %+v; want Bob_2, Dr Bob, locked, active, approved and confirmed member", bob, bu)
	}

	// Creating Bob_2 told the admin (admin.sign_up), and nothing else did.
	ns, err := s.Notifications(ctx, alice.ID, storage.NotificationFilter{}, storage.Page{Limit: 10})
	if err != nil || len(ns) != 1 || ns[0].Type != "admin.sign_up" || ns[0].FromAccountID != bob.ID {
		t.Errorf("alice's notifications = %+v, %v; want one admin.sign_up from Bob_2", ns, err)
	}

	// The failed commands stored nothing.
	accts, err := s.ListAccounts(ctx, storage.AccountFilter{LocalOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(accts) != 2 {
		names := []string{}
		for _, a := range accts {
			names = append(names, a.Username)
		}
		t.Errorf("local accounts %v, want alice and Bob_2 only", names)
	}
	if _, err := s.UserByEmail(ctx, "other@example.org"); err == nil {
		t.Error("a failed create left a user behind")
	}
}
