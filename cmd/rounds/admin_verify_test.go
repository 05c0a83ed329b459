package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/storage"
)

// TestAdminVerify verifies and revokes a credential at the command line,
// then checks the history stored: who (the command line), when, revoked.
func TestAdminVerify(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		env := testEnv(t, dsn)
		mustRun(t, env, "migrate")
		mustRun(t, env, "admin", "account", "create", "--username", "rivera", "--email", "rivera@example.org", "--password", "long enough")

		for _, step := range []struct {
			name   string
			args   []string
			code   int
			stdout string
			stderr string
		}{
			{"verify", []string{"admin", "account", "verify", "--username", "rivera", "--credential", "MD, ABR diagnostic radiology"},
				0, "@rivera verified as a physician by rounds.test", ""},
			{"verify again replaces", []string{"admin", "account", "verify", "--username", "@RIVERA", "--credential", "MD, ABR neuroradiology"},
				0, "MD, ABR neuroradiology", ""},
			{"verify unknown", []string{"admin", "account", "verify", "--username", "nobody", "--credential", "MD"},
				1, "", `no local account named "nobody"`},
			{"verify without credential", []string{"admin", "account", "verify", "--username", "rivera"},
				2, "", "--credential is required"},
			{"verify with an empty credential", []string{"admin", "account", "verify", "--username", "rivera", "--credential", "  "},
				1, "", "invalid credential is missing"},
			{"verify without username", []string{"admin", "account", "verify", "--credential", "MD"},
				2, "", "--username is required"},
			{"unverify", []string{"admin", "account", "unverify", "--username", "rivera"},
				0, "verification of @rivera revoked", ""},
			{"unverify again", []string{"admin", "account", "unverify", "--username", "rivera"},
				1, "", "no verification in force"},
			{"unverify without username", []string{"admin", "account", "unverify"},
				2, "", "--username is required"},
		} {
			r := runCLI(t, env, step.args...)
			if r.code != step.code || !strings.Contains(r.stdout, step.stdout) || !strings.Contains(r.stderr, step.stderr) {
				t.Errorf("%s: exit %d, want %d with %q / %q\n%v", step.name, r.code, step.code, step.stdout, step.stderr, r)
			}
		}

		ctx := context.Background()
		s, err := storage.Open(ctx, storage.Config{DSN: dsn})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		svc := credential.New(s, instance.Config{Domain: "rounds.test"}, nil, nil, slog.New(slog.DiscardHandler))
		_, hist, err := svc.History(ctx, "rivera")
		if err != nil || len(hist) != 2 {
			t.Fatalf("history: %+v %v", hist, err)
		}
		for _, h := range hist {
			if h.VerifiedVia != storage.VerifiedViaCLI || h.RevokedAt == nil || h.RevokedVia != storage.VerifiedViaCLI || h.VerifiedByID != nil {
				t.Errorf("history row = %+v", h)
			}
		}
		if hist[0].Credential != "MD, ABR neuroradiology" || !hist[0].VerifiedAt.After(hist[1].VerifiedAt.Add(-1)) {
			t.Errorf("history order = %+v", hist)
		}
	})
}
