package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/storage"
)

// TestMain lets -ceiling start this test binary as its static server,
// as it starts rounds-load itself.
func TestMain(m *testing.M) {
	if len(os.Args) == 3 && os.Args[1] == serveStaticFlag {
		if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestReplay: the static server answers only the captured URIs, only to
// a bearer token, with the captured headers and bytes.
func TestReplay(t *testing.T) {
	body := []byte(`[{"id":"1"}]`)
	h := replay(map[string]answer{homeURI: {URI: homeURI, Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}, "Link": {"<x>; rel=\"next\""}}, Body: body}})
	for _, tc := range []struct {
		name, uri, auth string
		want            int
	}{
		{"captured", homeURI, "Bearer t", http.StatusOK},
		{"no token", homeURI, "", http.StatusUnauthorized},
		{"other query", "/api/v1/timelines/home?limit=20", "Bearer t", http.StatusNotFound},
		{"other path", verifyURI, "Bearer t", http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tc.uri, nil)
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d", rec.Code, tc.want)
			}
			if tc.want == http.StatusOK && (!bytes.Equal(rec.Body.Bytes(), body) || rec.Header().Get("Link") == "" || rec.Header().Get("Content-Length") != "12") {
				t.Errorf("answer %q, headers %v", rec.Body.String(), rec.Header())
			}
		})
	}
}

// TestCeiling measures a real Rounds instance and then its captured
// answers replayed by the static server, which the tool starts as a
// process of its own and stops.
func TestCeiling(t *testing.T) {
	ctx := context.Background()
	cfg, _, srv := startRounds(t, storage.SQLite)
	var stdout, stderr bytes.Buffer
	err := run(ctx, []string{
		"-db", cfg.DSN, "-target", srv.URL, "-accounts", "8", "-statuses", "60", "-follows", "4",
		"-users", "2", "-clients", "2", "-phases", "home,verify", "-duration", "300ms", "-warmup", "50ms", "-ceiling",
	}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	for _, name := range []string{"home (static ceiling)", "verify (static ceiling)"} {
		line := ""
		for _, l := range strings.Split(stdout.String(), "\n") {
			if strings.HasPrefix(l, name) {
				line = l
			}
		}
		if line == "" {
			t.Fatalf("no %q phase in the report:\n%s\n%s", name, stdout.String(), stderr.String())
		}
		if f := strings.Fields(strings.TrimPrefix(line, name)); len(f) < 2 || f[1] == "0" {
			t.Errorf("%s: no requests: %q", name, line)
		}
	}
}
