package mastodon_test

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/ratelimit"
	"github.com/rounds-md/rounds/web/webtest"
)

// BenchmarkVerifyCredentials measures GET
// /api/v1/accounts/verify_credentials, the cheapest authenticated read,
// for 16 signed-in accounts, with the rate limiter on and 127.0.0.0/8
// exempt as rounds-load runs the server. Its "handler" case calls the
// server's handler alone (gin, the middleware chain, the token
// lookup, the entity and its JSON), called directly with a reused
// request, so that allocs/op and ns/op are the server's own per-request
// cost without net/http's connection handling or a client.
// BenchmarkReadAPI measures the same request over loopback HTTP.
//
//	ROUNDS_TEST_POSTGRES=postgres://... go test ./web/mastodon/ -run '^$' -bench BenchmarkVerifyCredentials -benchmem
func BenchmarkVerifyCredentials(b *testing.B) {
	for _, d := range []storage.Dialect{storage.SQLite, storage.Postgres} {
		b.Run(string(d), func(b *testing.B) { benchmarkVerifyCredentials(b, d) })
	}
}

func benchmarkVerifyCredentials(b *testing.B, d storage.Dialect) {
	store := storagetest.Open(b, d)
	limits, err := ratelimit.Parse("exempt:127.0.0.0/8,::1/128")
	if err != nil {
		b.Fatal(err)
	}
	srv := webtest.Start(b, store, webtest.WithManualJobs(), webtest.WithRateLimit(limits))
	var tokens []string
	for i := range 16 {
		tokens = append(tokens, tokenFor(b, srv, srv.CreateAccount(b, fmt.Sprintf("verifier%d", i))).token)
	}
	const path = "/api/v1/accounts/verify_credentials"
	var statements atomic.Int64
	store.OnStatement(func(string) { statements.Add(1) })

	b.Run("handler", func(b *testing.B) {
		h := srv.HTTP.Config.Handler
		reqs := make([]*http.Request, len(tokens))
		for i, t := range tokens {
			reqs[i], _ = http.NewRequest(http.MethodGet, srv.URL+path, nil)
			reqs[i].Header.Set("Authorization", "Bearer "+t)
			reqs[i].RemoteAddr = "127.0.0.1:40000"
		}
		w := &discardWriter{h: http.Header{}}
		before := statements.Load()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; b.Loop(); i++ {
			clear(w.h)
			w.status = 0
			h.ServeHTTP(w, reqs[i%len(reqs)])
			if w.status != http.StatusOK {
				b.Fatalf("status %d", w.status)
			}
		}
		b.ReportMetric(float64(statements.Load()-before)/float64(b.N), "stmts/req")
	})
}

// discardWriter is an http.ResponseWriter that keeps the status and
// headers and drops the body.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(p), nil
}
func (w *discardWriter) WriteHeader(s int) {
	if w.status == 0 {
		w.status = s
	}
}
