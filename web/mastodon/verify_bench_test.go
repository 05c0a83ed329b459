package mastodon_test

import (
	"fmt"
	"io"
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
// exempt as rounds-load runs the server:
//
//   - handler: the server's handler alone (gin, the middleware chain, the
//     token lookup, the entity and its JSON), called directly with a
//     reused request, so that allocs/op and ns/op are the server's own
//     per-request cost without net/http's connection handling or a client;
//
//   - http: 16 clients over loopback HTTP as in BenchmarkReadAPI, with the
//     process's CPU per request (client included).
//
//     ROUNDS_TEST_POSTGRES=postgres://... go test ./web/mastodon/ -run '^$' -bench BenchmarkVerifyCredentials -benchmem
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

	b.Run("http", func(b *testing.B) {
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		var n atomic.Int64
		before := statements.Load()
		cpu0 := processCPU(b)
		b.ReportAllocs()
		b.SetParallelism(8) // 16 clients on 2 cores, as rounds-load runs
		b.RunParallel(func(pb *testing.PB) {
			token := tokens[n.Add(1)%int64(len(tokens))]
			req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			for pb.Next() {
				res, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				_ = res.Body.Close()
				if res.StatusCode != http.StatusOK {
					b.Errorf("%s: %s", path, res.Status)
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		b.ReportMetric(float64((processCPU(b)-cpu0).Microseconds())/float64(b.N), "cpu-µs/req")
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
