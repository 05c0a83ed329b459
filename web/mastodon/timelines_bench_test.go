package mastodon_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// BenchmarkReadAPI measures the two hot reads of a Mastodon client over
// real HTTP, with parallel clients (GOMAXPROCS × -cpu goroutines): a
// 40-status home timeline page and verify_credentials, for one of 16
// signed-in readers who each follow 50 authors whose 10,000 statuses are
// all in their home feeds. It is the in-process counterpart of
// rounds-load's home and verify phases, for CPU profiles:
//
//	ROUNDS_TEST_POSTGRES=postgres://... go test ./web/mastodon/ -run '^$' -bench BenchmarkReadAPI -cpuprofile /tmp/cpu.out
func BenchmarkReadAPI(b *testing.B) {
	for _, d := range []storage.Dialect{storage.SQLite, storage.Postgres} {
		b.Run(string(d), func(b *testing.B) { benchmarkReadAPI(b, d) })
	}
}

func benchmarkReadAPI(b *testing.B, d storage.Dialect) {
	ctx := context.Background()
	cfg := storagetest.Config(b, d)
	app := "" // names this benchmark's PostgreSQL sessions, for backendCPU
	if d == storage.Postgres {
		app = fmt.Sprintf("rounds-bench-%d", rand.Uint64())
		cfg.DSN += "&application_name=" + app
	}
	store, err := storage.Open(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = store.Close() })
	if _, err := store.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	var statements atomic.Int64
	store.OnStatement(func(string) { statements.Add(1) })
	{
		srv := webtest.Start(b, store, webtest.WithManualJobs())
		tokens := seedReaders(b, srv, 16, 50, 10_000)
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		get := func(b *testing.B, path, token string) {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
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
		for _, bc := range []struct{ name, path string }{
			{"home", "/api/v1/timelines/home?limit=40"},
			{"verify", "/api/v1/accounts/verify_credentials"},
		} {
			b.Run(bc.name, func(b *testing.B) {
				var n atomic.Int64
				before := statements.Load()
				cpu0, pg0 := processCPU(b), backendCPU(b, store, app)
				b.SetParallelism(8) // 16 clients on 2 cores, as rounds-load runs
				b.RunParallel(func(pb *testing.PB) {
					token := tokens[n.Add(1)%int64(len(tokens))]
					for pb.Next() {
						get(b, bc.path, token)
					}
				})
				b.StopTimer()
				// CPU per request, steadier than req/s on a shared machine:
				// this process's (server and clients), and PostgreSQL's
				// backends' for this benchmark's sessions.
				b.ReportMetric(float64((processCPU(b)-cpu0).Microseconds())/float64(b.N), "cpu-µs/req")
				if app != "" {
					var pg time.Duration
					for pid, t := range backendCPU(b, store, app) {
						pg += t - pg0[pid]
					}
					b.ReportMetric(float64(pg.Microseconds())/float64(b.N), "pg-cpu-µs/req")
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
				b.ReportMetric(float64(statements.Load()-before)/float64(b.N), "stmts/req")
			})
		}
	}
}

// seedReaders makes authors and readers (each reader following every
// author), n public statuses spread over the authors fanned out into
// every reader's home feed, and returns a token per reader. Rows are
// written in bulk so that seeding stays quick; one status in ten carries
// a hashtag and one in twenty mentions a reader, as in rounds-load.
func seedReaders(b *testing.B, srv *webtest.Server, readers, authors, n int) []string {
	b.Helper()
	ctx := context.Background()
	s := srv.Store
	var rs, as []*storage.Account
	var tokens []string
	for i := range readers {
		r := srv.CreateAccount(b, fmt.Sprintf("reader%d", i))
		rs = append(rs, r)
		tokens = append(tokens, tokenFor(b, srv, r).token)
	}
	for i := range authors {
		a := srv.CreateAccount(b, fmt.Sprintf("author%d", i))
		as = append(as, a)
		for _, r := range rs {
			if err := s.UpsertFollow(ctx, &storage.Follow{AccountID: r.ID, TargetAccountID: a.ID, ShowReblogs: true}); err != nil {
				b.Fatal(err)
			}
		}
	}
	start := time.Now().Add(-time.Duration(n) * time.Second).UTC()
	ts := func(t time.Time) string { return t.Format("2006-01-02 15:04:05.000000-07:00") }
	exec := func(q string) {
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	exec(fmt.Sprintf("INSERT INTO tags (id, name, created_at) VALUES (1, 'radiology', '%s')", ts(start)))
	const batch = 200
	for lo := 0; lo < n; lo += batch {
		var sts, feed, tags, mentions []string
		for i := lo; i < min(lo+batch, n); i++ {
			at := start.Add(time.Duration(i) * time.Second)
			id := storage.IDAt(at) + int64(i%1000)
			author := as[i%len(as)].ID
			sts = append(sts, fmt.Sprintf("(%d, %d, TRUE, 'status %d', '<p>status %d</p>', 'public', '%s', '%s', %d)", id, author, i, i, ts(at), ts(at), id))
			for _, r := range rs {
				feed = append(feed, fmt.Sprintf("(%d, %d, %d)", r.ID, id, author))
			}
			if i%10 == 0 {
				tags = append(tags, fmt.Sprintf("(%d, 1)", id))
			}
			if i%20 == 0 {
				mentions = append(mentions, fmt.Sprintf("(%d, %d)", id, rs[i%len(rs)].ID))
			}
		}
		exec("INSERT INTO statuses (id, account_id, local, text, content, visibility, created_at, updated_at, conversation_id) VALUES " + strings.Join(sts, ","))
		exec("INSERT INTO home_feed (account_id, status_id, author_id) VALUES " + strings.Join(feed, ","))
		if len(tags) > 0 {
			exec("INSERT INTO status_tags (status_id, tag_id) VALUES " + strings.Join(tags, ","))
		}
		if len(mentions) > 0 {
			exec("INSERT INTO status_mentions (status_id, account_id) VALUES " + strings.Join(mentions, ","))
		}
	}
	exec("DELETE FROM account_stats")
	exec(`INSERT INTO account_stats (account_id, statuses_count, last_status_at)
		SELECT account_id, count(*), max(created_at) FROM statuses GROUP BY account_id`)
	exec("ANALYZE")
	return tokens
}
