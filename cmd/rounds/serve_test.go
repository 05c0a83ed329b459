package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/migrations"
)

// server is a "rounds serve" running in-process, as main runs it.
type server struct {
	addr   string
	logs   *syncBuffer
	cancel context.CancelFunc // what SIGINT or SIGTERM does in main
	done   chan int
	code   *int
}

// startServe runs "rounds serve args..." with env until it logs that it is
// serving, and returns it. The test ends it with stop (or cancel and wait).
func startServe(t *testing.T, env map[string]string, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{logs: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	go func() {
		s.done <- run(ctx, append([]string{"serve"}, args...), mapEnv(env), io.Discard, s.logs)
	}()
	t.Cleanup(func() {
		cancel()
		if s.code == nil {
			select {
			case <-s.done:
			case <-time.After(time.Minute):
				t.Error("serve did not stop within a minute of its context ending")
			}
		}
	})
	waitFor(t, "serve to start", func() bool {
		select {
		case code := <-s.done:
			s.code = &code
			t.Fatalf("serve exited %d before serving:\n%s", code, s.logs)
		default:
		}
		for _, rec := range s.records(t) {
			if rec["msg"] == "rounds serving" {
				s.addr, _ = rec["addr"].(string)
				return true
			}
		}
		return false
	})
	return s
}

// wait returns serve's exit code once it has returned.
func (s *server) wait(t *testing.T) int {
	t.Helper()
	if s.code != nil {
		return *s.code
	}
	select {
	case code := <-s.done:
		s.code = &code
		return code
	case <-time.After(time.Minute):
		t.Fatalf("serve did not return within a minute:\n%s", s.logs)
		return -1
	}
}

// records parses the JSON log lines written so far.
func (s *server) records(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(s.logs.String(), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		rec := map[string]any{}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			// A half-written last line: read it next time.
			continue
		}
		out = append(out, rec)
	}
	return out
}

// count counts the log records for which match is true.
func (s *server) count(t *testing.T, match func(rec map[string]any) bool) int {
	n := 0
	for _, rec := range s.records(t) {
		if match(rec) {
			n++
		}
	}
	return n
}

// get fetches a path on a fresh connection and returns status and body.
func (s *server) get(t *testing.T, path string) (int, string) {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	res, err := c.Get("http://" + s.addr + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// waitFor polls cond until it holds, failing the test after a minute (a
// bound against hanging, not a measure of speed).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// serveEnv is the environment of a server on a free loopback port, logging
// JSON at debug level so the test can read it.
func serveEnv(t *testing.T, dsn string) map[string]string {
	env := testEnv(t, dsn)
	env["ROUNDS_ADDR"] = "127.0.0.1:0"
	env["ROUNDS_LOG_FORMAT"] = "json"
	env["ROUNDS_LOG_LEVEL"] = "debug"
	return env
}

func isAdminHint(rec map[string]any) bool {
	msg, _ := rec["msg"].(string)
	return strings.Contains(msg, "no admin account yet") && strings.Contains(msg, "rounds admin account create") && strings.Contains(msg, "--role admin")
}

// TestServe walks an instance's first days on each database: --no-migrate
// refuses a fresh database, the first start migrates and tells the
// operator how to create an admin, a shutdown waits for a request in
// flight, and once there is an admin the hint is gone.
func TestServe(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		env := serveEnv(t, dsn)

		// --no-migrate on a fresh database: exit 1 naming every pending migration.
		r := runCLI(t, env, "serve", "--no-migrate")
		if r.code != 1 || !strings.Contains(r.stderr, "--no-migrate") {
			t.Fatalf("serve --no-migrate on a fresh database: want exit 1\n%v", r)
		}
		for _, m := range migrations.Migrations.Sorted() {
			if !strings.Contains(r.stderr, m.Name) {
				t.Errorf("serve --no-migrate does not name pending migration %s\n%v", m.Name, r)
			}
		}
		if st := mustRun(t, env, "migrate", "--status"); !strings.Contains(st.stdout, "0 applied") {
			t.Errorf("serve --no-migrate changed the schema:\n%s", st.stdout)
		}

		// First start: migrates, hints once, is ready.
		s := startServe(t, env)
		if n := s.count(t, func(rec map[string]any) bool { return rec["msg"] == "migrations applied" }); n != 1 {
			t.Errorf("%d 'migrations applied' records, want 1:\n%s", n, s.logs)
		}
		if n := s.count(t, isAdminHint); n != 1 {
			t.Errorf("%d admin hints in the log, want 1:\n%s", n, s.logs)
		}
		for _, path := range []string{"/healthz", "/readyz"} {
			if code, body := s.get(t, path); code != http.StatusOK || !strings.Contains(body, `"status":"ok"`) {
				t.Errorf("GET %s = %d %s, want 200 ok", path, code, body)
			}
		}
		checkGracefulShutdown(t, s)
		checkCleanupScheduled(t, dsn)
		if strings.HasPrefix(dsn, "sqlite:") {
			// Closing the last connection checkpoints the WAL and removes it:
			// the database was closed.
			if _, err := os.Stat(strings.TrimPrefix(dsn, "sqlite:") + "-wal"); err == nil {
				t.Error("the SQLite WAL file is still there after serve returned: the database was not closed")
			}
		}

		// With an admin, and the schema up to date, --no-migrate starts and
		// the hint is gone.
		mustRun(t, env, "admin", "account", "create", "--username", "root", "--email", "root@example.org", "--password", "long enough", "--role", "admin")
		s = startServe(t, env, "--no-migrate")
		if n := s.count(t, isAdminHint); n != 0 {
			t.Errorf("the admin hint is logged although there is an admin:\n%s", s.logs)
		}
		if code, _ := s.get(t, "/readyz"); code != http.StatusOK {
			t.Errorf("GET /readyz = %d, want 200", code)
		}
		s.cancel()
		if code := s.wait(t); code != 0 {
			t.Errorf("serve exited %d after its context ended, want 0:\n%s", code, s.logs)
		}
	})
}

// checkCleanupScheduled checks that serve left one unattached-media
// clean-up job waiting for the next hour.
func checkCleanupScheduled(t *testing.T, dsn string) {
	t.Helper()
	s, err := storage.Open(context.Background(), storage.Config{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	counts, err := s.JobCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range counts[media.CleanupKind] {
		n += c
	}
	if n != 1 {
		t.Errorf("%d %s jobs after serve, want 1: %v", n, media.CleanupKind, counts)
	}
}

// checkGracefulShutdown ends s's context, as SIGINT or SIGTERM would, while
// a request is in flight, and checks that the request still gets its
// response and serve then returns 0.
//
// The request in flight is a GET /readyz that declares a 10-byte body and
// sends only half of it: the handler runs, but net/http must read the rest
// of the body before it writes the response, so the request stays open on
// the server until the client sends the remaining bytes — a slow upload,
// with no test-only route in the server.
func checkGracefulShutdown(t *testing.T, s *server) {
	t.Helper()
	readyzHandled := func(rec map[string]any) bool { return rec["msg"] == "request" && rec["route"] == "/readyz" }
	before := s.count(t, readyzHandled)
	conn, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := fmt.Fprintf(conn, "GET /readyz HTTP/1.1\r\nHost: %s\r\nContent-Length: 10\r\n\r\n01234", s.addr); err != nil {
		t.Fatal(err)
	}
	// The handler has run (the request log line is written after it); the
	// response waits for the rest of the body.
	waitFor(t, "the in-flight request to reach its handler", func() bool { return s.count(t, readyzHandled) > before })

	s.cancel()
	// Shutdown has begun once the listener refuses new connections.
	waitFor(t, "the listener to close", func() bool {
		c, err := net.Dial("tcp", s.addr)
		if err != nil {
			return true
		}
		c.Close()
		return false
	})
	select {
	case code := <-s.done:
		s.code = &code
		t.Fatalf("serve returned %d while a request was in flight:\n%s", code, s.logs)
	default:
	}

	if _, err := conn.Write([]byte("56789")); err != nil {
		t.Fatalf("the in-flight request's connection was cut: %v", err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the in-flight request got no response: %v\n%s", err, s.logs)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `"status":"ok"`) {
		t.Errorf("the in-flight request got %d %s, want 200 ok", res.StatusCode, body)
	}
	if code := s.wait(t); code != 0 {
		t.Errorf("serve exited %d, want 0:\n%s", code, s.logs)
	}
	for _, msg := range []string{"shutting down: finishing in-flight requests", "stopped"} {
		if s.count(t, func(rec map[string]any) bool { return rec["msg"] == msg }) != 1 {
			t.Errorf("the log lacks %q:\n%s", msg, s.logs)
		}
	}
}

// TestServeAddressInUse checks that a taken listen address fails start-up
// with a message naming ROUNDS_ADDR.
func TestServeAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	env := serveEnv(t, "sqlite:"+t.TempDir()+"/rounds.db")
	env["ROUNDS_ADDR"] = ln.Addr().String()
	r := runCLI(t, env, "serve")
	if r.code != 1 || !strings.Contains(r.stderr, "ROUNDS_ADDR") || !strings.Contains(r.stderr, ln.Addr().String()) {
		t.Errorf("want exit 1 naming ROUNDS_ADDR and %s\n%v", ln.Addr(), r)
	}
}
