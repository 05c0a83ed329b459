package main

import (
	"context"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/storage"
)

// TestAdminDomain runs every "admin domain" subcommand and checks the
// policy federation then applies.
func TestAdminDomain(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		env := testEnv(t, dsn)
		env["ROUNDS_FEDERATION_MODE"] = "allowlist"
		mustRun(t, env, "migrate")
		for _, step := range []struct {
			name   string
			args   []string
			code   int
			stdout string
			stderr string
		}{
			{"block", []string{"block", "--domain", "Spam.Example"}, 0, "blocked spam.example", ""},
			{"block again", []string{"block", "--domain", "spam.example"}, 0, "already blocked", ""},
			{"allow", []string{"allow", "--domain", "hospital.example"}, 0, "allowed hospital.example", ""},
			{"allow with a port", []string{"allow", "--domain", "127.0.0.2:8443"}, 0, "allowed 127.0.0.2:8443", ""},
			{"unblock", []string{"unblock", "--domain", "spam.example"}, 0, "unblocked spam.example", ""},
			{"block again after unblocking", []string{"block", "--domain", "spam.example"}, 0, "blocked spam.example", ""},
			{"disallow what is not allowed", []string{"disallow", "--domain", "other.example"}, 0, "already disallowed", ""},
			{"a URL is not a domain", []string{"block", "--domain", "https://spam.example/"}, 1, "", "must be a host name"},
			{"an address is not a domain", []string{"allow", "--domain", "bob@spam.example"}, 1, "", "must be a host name"},
			{"missing domain", []string{"block"}, 2, "", "--domain is required"},
			{"unknown subcommand", []string{"ban", "--domain", "x.example"}, 2, "", "unknown subcommand"},
			{"list", []string{"list"}, 0, "hospital.example", ""},
		} {
			t.Run(step.name, func(t *testing.T) {
				r := runCLI(t, env, append([]string{"admin", "domain"}, step.args...)...)
				if r.code != step.code || !strings.Contains(r.stdout, step.stdout) || !strings.Contains(r.stderr, step.stderr) {
					t.Fatalf("want exit %d with %q / %q\n%v", step.code, step.stdout, step.stderr, r)
				}
			})
		}
		r := mustRun(t, env, "admin", "domain", "list")
		for _, want := range []string{"spam.example", "block", "127.0.0.2:8443", "allow", "allowlist"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("list lacks %q:\n%s", want, r.stdout)
			}
		}

		// What the commands stored is what federation applies.
		s, err := storage.Open(context.Background(), storage.Config{DSN: dsn})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		d := federation.NewDomains(s, instance.Config{Domain: "rounds.test", FederationMode: instance.FederationAllowlist})
		for host, want := range map[string]bool{
			"hospital.example": true, "wards.hospital.example": true, "127.0.0.2:8443": true,
			"127.0.0.2:9000": false, "spam.example": false, "other.example": false, "rounds.test": true,
		} {
			if got, err := d.AllowedHost(context.Background(), host); err != nil || got != want {
				t.Errorf("AllowedHost(%s) = %v, %v; want %v", host, got, err, want)
			}
		}
	})
}
