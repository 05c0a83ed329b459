package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// TestRunAgainstServer seeds a small database and measures a real Rounds
// instance over it, on SQLite and PostgreSQL: every phase makes requests
// without errors, and home timelines are filled by the seeded follows.
func TestRunAgainstServer(t *testing.T) {
	for _, d := range []storage.Dialect{storage.SQLite, storage.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			cfg, s, srv := startRounds(t, d)
			out := filepath.Join(t.TempDir(), "report.json")
			var stdout, stderr bytes.Buffer
			err := run(ctx, []string{
				"-db", cfg.DSN, "-target", srv.URL, "-accounts", "12", "-statuses", "120", "-follows", "4",
				"-users", "3", "-clients", "2", "-post-clients", "2", "-duration", "300ms", "-warmup", "50ms", "-json", out,
			}, &stdout, &stderr)
			if err != nil {
				t.Fatalf("run: %v\n%s", err, stderr.String())
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			var rep report
			if err := json.Unmarshal(b, &rep); err != nil {
				t.Fatal(err)
			}
			if rep.Database != string(d) || rep.Seed.Accounts != 12 || rep.Seed.Follows != 12*4 || rep.Seed.Statuses != 120 {
				t.Errorf("seed report %+v (database %s)", rep.Seed, rep.Database)
			}
			if rep.HomeSize == 0 {
				t.Error("the first account's home timeline is empty: follows did not fan out")
			}
			if len(rep.Phases) != 3 {
				t.Fatalf("%d phases, want 3", len(rep.Phases))
			}
			for _, p := range rep.Phases {
				if p.Requests == 0 || p.Errors != 0 || p.P50 <= 0 || p.P99 < p.P50 {
					t.Errorf("phase %+v", p)
				}
			}
			if !strings.Contains(stdout.String(), "home timeline (limit=40)") {
				t.Errorf("report lacks the home timeline:\n%s", stdout.String())
			}
			n, err := s.Usage(ctx, time.Now())
			if err != nil || n.LocalPosts <= 120 {
				t.Errorf("local posts after the run = %d (%v), want the seeded 120 and those posted", n.LocalPosts, err)
			}

			// Run again: the database is seeded already, and is not seeded twice.
			stderr.Reset()
			err = run(ctx, []string{"-db", cfg.DSN, "-target", srv.URL, "-users", "2", "-clients", "1", "-phases", "verify", "-duration", "100ms", "-warmup", "0s"}, io.Discard, &stderr)
			if err != nil || !strings.Contains(stderr.String(), "already seeded") {
				t.Fatalf("second run: %v\n%s", err, stderr.String())
			}

			// Reading and posting at once: one result each, both busy.
			err = run(ctx, []string{"-db", cfg.DSN, "-target", srv.URL, "-users", "3", "-clients", "2", "-post-clients", "2",
				"-phases", "mixed", "-duration", "300ms", "-warmup", "50ms", "-json", out}, io.Discard, &stderr)
			if err != nil {
				t.Fatalf("mixed run: %v\n%s", err, stderr.String())
			}
			if b, err = os.ReadFile(out); err != nil {
				t.Fatal(err)
			}
			rep = report{}
			if err := json.Unmarshal(b, &rep); err != nil {
				t.Fatal(err)
			}
			if len(rep.Phases) != 2 || rep.Phases[0].Name != "home, while posting" || rep.Phases[1].Name != "posting, while reading" {
				t.Fatalf("mixed phases %+v", rep.Phases)
			}
			for _, p := range rep.Phases {
				if p.Requests == 0 || p.Errors != 0 {
					t.Errorf("mixed phase %+v", p)
				}
			}
		})
	}
}

// startRounds runs a Rounds instance over a fresh, migrated database of
// dialect d, for the tool to seed and measure.
func startRounds(t *testing.T, d storage.Dialect) (storage.Config, *storage.Store, *webtest.Server) {
	t.Helper()
	ctx := context.Background()
	cfg := storagetest.Config(t, d)
	s, err := storage.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return cfg, s, webtest.Start(t, s)
}

func TestOptions(t *testing.T) {
	ok := []string{"-db", "sqlite:x.db", "-target", "http://127.0.0.1:8080"}
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{ok, ""},
		{[]string{"-db", "sqlite:x.db", "-seed-only"}, ""},
		{[]string{"-target", "http://127.0.0.1:8080"}, "-db is required"},
		{[]string{"-db", "sqlite:x.db"}, "give -server"},
		{[]string{"-db", "sqlite:x.db", "-server", "rounds", "-target", "http://127.0.0.1:1"}, "give -server"},
		{[]string{"-db", "sqlite:x.db", "-target", "http://localhost:8080"}, "127.0.0.1"},
		{[]string{"-db", "sqlite:x.db", "-target", "http://10.0.0.1:8080"}, "127.0.0.1"},
		{[]string{"-db", "sqlite:x.db", "-target", "https://127.0.0.1:8080"}, "127.0.0.1"},
		{[]string{"-db", "sqlite:x.db", "-target", "http://127.0.0.1:8080/api"}, "127.0.0.1"},
		{append(ok, "-clients", "1000"), "-clients"},
		{append(ok, "-duration", "1h"), "-duration"},
		{append(ok, "-accounts", "1"), "-accounts"},
		{append(ok, "-users", "5000"), "-users"},
		{append(ok, "-phases", "home,nap"), "unknown"},
		{append(ok, "-pid", "1"), ""},
		{[]string{"-db", "sqlite:x.db", "-server", "rounds", "-pid", "1"}, "-pid goes with -target"},
	} {
		_, err := parseOptions(tc.args, io.Discard)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%q: %v", tc.args, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !errors.Is(err, errUsage)):
			t.Errorf("%q: %v, want a usage error naming %q", tc.args, err, tc.err)
		}
	}
}

// TestClientOnlyDialsLoopback: the HTTP client refuses any address but
// 127.0.0.1, whatever the URL says.
func TestClientOnlyDialsLoopback(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }))
	t.Cleanup(hs.Close)
	hc := newHTTPClient(1)
	res, err := hc.Get(hs.URL) // httptest listens on 127.0.0.1
	if err != nil {
		t.Fatalf("loopback: %v", err)
	}
	res.Body.Close()
	for _, u := range []string{"http://localhost:1/", "http://192.0.2.1:80/", "http://[::1]:1/", "http://example.org/"} {
		if _, err := hc.Get(u); !errors.Is(err, errNotLoopback) {
			t.Errorf("GET %s: %v, want errNotLoopback", u, err)
		}
	}
}

// TestServerEnv: the started server gets no ROUNDS_ setting from the
// caller's environment, only the tool's.
func TestServerEnv(t *testing.T) {
	env := serverEnv([]string{"PATH=/bin", "ROUNDS_RATE_LIMIT=on", "ROUNDS_DB=postgres://elsewhere", "HOME=/root"},
		map[string]string{"ROUNDS_RATE_LIMIT": exemptAll})
	got := strings.Join(env, " ")
	if strings.Contains(got, "elsewhere") || strings.Contains(got, "ROUNDS_RATE_LIMIT=on") ||
		!strings.Contains(got, "PATH=/bin") || !strings.Contains(got, "ROUNDS_RATE_LIMIT="+exemptAll) {
		t.Fatalf("server environment %q", env)
	}
}

// TestPhasePercentiles: a phase against a server counts requests, reads
// latencies and reports errors with the first one.
func TestPhasePercentiles(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/fail" {
			http.Error(w, "nope", http.StatusTeapot)
			return
		}
		_, _ = w.Write([]byte("[]"))
	}))
	t.Cleanup(hs.Close)
	r := getPhase("ok", hs.URL, "/", 2, []string{"a", "b"}).run(context.Background(), hs.URL, 20*time.Millisecond, 100*time.Millisecond, 0)
	if r.Requests == 0 || r.Errors != 0 || r.PerSec <= 0 || r.P50 > r.P90 || r.P90 > r.P99 || r.P99 > r.Max {
		t.Fatalf("ok phase: %+v", r)
	}
	r = getPhase("fail", hs.URL, "/fail", 2, []string{"a"}).run(context.Background(), hs.URL, 0, 100*time.Millisecond, 0)
	if r.Errors == 0 || r.Requests != 0 || !strings.Contains(r.FirstError, "418") {
		t.Fatalf("failing phase: %+v", r)
	}
}
