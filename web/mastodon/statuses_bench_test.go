//go:build unix

package mastodon_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// BenchmarkPostStatus measures POST /api/v1/statuses over HTTP with 8
// concurrent clients, each posting public statuses as its own author, on
// a database shaped like rounds-load's (docs/performance.md): 1,000 local
// accounts each following 100 others at random (so each author has about
// 100 followers) and a store of earlier statuses fanned out to their
// authors' followers. It reports statuses/s, the client's p50 and p99,
// the SQL statements sent per status (BEGIN and COMMIT included) and, on
// SQLite, the time the write lock was held per status and how many
// transactions shared each COMMIT.
//
// The earlier statuses default to 10,000 (a million home_feed rows);
// ROUNDS_BENCH_STATUSES=100000 gives the load tool's 100k (ten million
// rows, a few minutes of seeding per database).
//
//	ROUNDS_TEST_POSTGRES=postgres://... go test ./web/mastodon/ -run '^$' -bench BenchmarkPostStatus -benchtime 2000x
func BenchmarkPostStatus(b *testing.B) {
	stored := 10_000
	if v := os.Getenv("ROUNDS_BENCH_STATUSES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			b.Fatalf("ROUNDS_BENCH_STATUSES=%q: want a count", v)
		}
		stored = n
	}
	for _, d := range []storage.Dialect{storage.SQLite, storage.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			ctx := context.Background()
			cfg := storagetest.Config(b, d)
			app := "" // names this benchmark's PostgreSQL sessions
			if d == storage.Postgres {
				app = fmt.Sprintf("rounds-bench-%d", rand.Uint64())
				cfg.DSN += "&application_name=" + app
			}
			s, err := storage.Open(ctx, cfg)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = s.Close() })
			if _, err := s.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			var statements atomic.Int64
			var mu sync.Mutex
			var texts []string // of the warm-up post, logged
			var record atomic.Bool
			// On SQLite, write transactions run one at a time, so the time
			// from each BEGIN to its COMMIT or ROLLBACK is the time the
			// write lock was held.
			var began, held atomic.Int64
			s.OnStatement(func(q string) {
				statements.Add(1)
				switch {
				case strings.HasPrefix(q, "BEGIN"):
					began.Store(time.Now().UnixNano())
				case strings.HasPrefix(q, "COMMIT"), q == "ROLLBACK":
					if b := began.Swap(0); b != 0 {
						held.Add(time.Now().UnixNano() - b)
					}
				}
				if record.Load() {
					mu.Lock()
					texts = append(texts, q)
					mu.Unlock()
				}
			})
			// Manual jobs: the queue's polling would count as statements.
			// Posting to local followers enqueues nothing (checked below).
			srv := webtest.Start(b, s, webtest.WithManualJobs())
			tokens := seedPosting(b, srv, benchClients, stored)
			record.Store(true)
			if err := postForBench(srv.URL, tokens[0], "Warm-up post."); err != nil {
				b.Fatal(err)
			}
			record.Store(false)
			mu.Lock()
			for i, q := range texts {
				if q = strings.Join(strings.Fields(q), " "); len(q) > 140 {
					texts[i] = q[:140] + "..."
				} else {
					texts[i] = q
				}
			}
			b.Logf("%d statements for one post:\n%s", len(texts), strings.Join(texts, "\n"))
			mu.Unlock()

			// The measured part is a sub-benchmark, so that seeding runs
			// once however many rounds the benchmark takes.
			b.Run("8-clients", func(b *testing.B) {
				lat := make([]time.Duration, b.N)
				var next atomic.Int64
				var wg sync.WaitGroup
				statements.Store(0)
				held.Store(0)
				// The followers' feed rows that SQLite defers
				// (storage/home_pending.go) are written inside the
				// measured part: those of earlier posts before it, those
				// of its own posts at its end.
				if err := s.FlushHomeFeeds(context.Background()); err != nil {
					b.Fatal(err)
				}
				ws0 := s.WriteStats()
				cpu0, pg0 := processCPU(b), backendCPU(b, s, app)
				b.ResetTimer()
				start := time.Now()
				for c := range benchClients {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := int(next.Add(1)) - 1; i < b.N; i = int(next.Add(1)) - 1 {
							t0 := time.Now()
							if err := postForBench(srv.URL, tokens[c], fmt.Sprintf("Bench post %d from client %d: handover at 19:00, two patients to watch overnight.", i, c)); err != nil {
								b.Error(err)
								return
							}
							lat[i] = time.Since(t0)
						}
					}()
				}
				wg.Wait()
				if err := s.FlushHomeFeeds(context.Background()); err != nil {
					b.Fatal(err)
				}
				elapsed := time.Since(start)
				b.StopTimer()
				// CPU of the whole process (server and clients) per status:
				// unlike statuses/s, it barely moves with the machine's load.
				b.ReportMetric(float64((processCPU(b)-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/status")
				if app != "" {
					var pg time.Duration
					for pid, t := range backendCPU(b, s, app) {
						pg += t - pg0[pid]
					}
					b.ReportMetric(float64(pg.Microseconds())/1000/float64(b.N), "pg-cpu-ms/status")
				}
				b.ReportMetric(float64(b.N)/elapsed.Seconds(), "statuses/s")
				b.ReportMetric(float64(statements.Load())/float64(b.N), "stmts/status")
				if d == storage.SQLite {
					b.ReportMetric(float64(held.Load())/1e6/float64(b.N), "lock-ms/status")
					ws := s.WriteStats()
					b.ReportMetric(float64(ws.Transactions-ws0.Transactions)/float64(max(1, ws.Groups-ws0.Groups)), "txs/commit")
				}
				slices.Sort(lat)
				b.ReportMetric(float64(lat[b.N/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[min(b.N-1, b.N*99/100)].Microseconds())/1000, "p99-ms")
				b.ReportMetric(0, "ns/op")
				var jobs int
				if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM jobs`).Scan(&jobs); err != nil {
					b.Fatal(err)
				}
				if jobs != 0 {
					b.Errorf("posting to local followers left %d jobs", jobs)
				}
			})
		})
	}
}

// benchClients is the number of concurrent posting clients, as in
// rounds-load's post phase.
const benchClients = 8

// postForBench creates one public status as the token's account.
func postForBench(base, token, text string) error {
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/statuses",
		strings.NewReader(url.Values{"status": {text}, "visibility": {"public"}}.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("post: status %d: %s", res.StatusCode, body)
	}
	return nil
}

// seedPosting writes 1,000 local accounts, the first `authors` signed in
// (their tokens returned), each account following 100 others at random
// (fixed seed), and `stored` public statuses by random authors fanned out
// to their followers' and authors' home feeds, in bulk.
func seedPosting(b *testing.B, srv *webtest.Server, authors, stored int) []string {
	b.Helper()
	const accounts, follows = 1000, 100
	ctx := context.Background()
	s := srv.Store
	ids := make([]int64, accounts)
	tokens := make([]string, authors)
	for i := range authors {
		u := tokenFor(b, srv, srv.CreateAccount(b, fmt.Sprintf("author%d", i)))
		ids[i], tokens[i] = u.ID, u.token
	}
	err := s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		for i := authors; i < accounts; i++ {
			a := &storage.Account{Username: fmt.Sprintf("user%d", i), ActorType: storage.ActorPerson, Discoverable: true}
			if err := tx.CreateAccount(ctx, a); err != nil {
				return err
			}
			ids[i] = a.ID
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC().Format("2006-01-02 15:04:05.000000-07:00")
	rng := rand.New(rand.NewPCG(1, 2))
	var rows []string
	flush := func(head string) {
		if len(rows) == 0 {
			return
		}
		if _, err := s.DB().ExecContext(ctx, head+strings.Join(rows, ",")); err != nil {
			b.Fatal(err)
		}
		rows = rows[:0]
	}
	const followsHead = "INSERT INTO follows (id, account_id, target_account_id, show_reblogs, notify, created_at, updated_at) VALUES "
	for i, id := range ids {
		for _, j := range rng.Perm(accounts - 1)[:follows] {
			if j >= i {
				j++ // never oneself
			}
			rows = append(rows, fmt.Sprintf("(%d, %d, %d, TRUE, FALSE, '%s', '%s')", s.NewID(), id, ids[j], now, now))
			if len(rows) == 500 {
				flush(followsHead)
			}
		}
	}
	flush(followsHead)
	const statusesHead = "INSERT INTO statuses (id, account_id, local, text, content, visibility, created_at, updated_at, conversation_id) VALUES "
	start := time.Now().Add(-time.Duration(stored) * time.Second).UTC()
	for i := range stored {
		at := start.Add(time.Duration(i) * time.Second)
		id := storage.IDAt(at) + int64(i%1000)
		ts := at.Format("2006-01-02 15:04:05.000000-07:00")
		rows = append(rows, fmt.Sprintf("(%d, %d, TRUE, 'status %d', '<p>status %d</p>', 'public', '%s', '%s', %d)", id, ids[rng.IntN(accounts)], i, i, ts, ts, id))
		if len(rows) == 500 {
			flush(statusesHead)
		}
	}
	flush(statusesHead)
	for _, q := range []string{
		// The feeds, in key order so that SQLite appends to its B-tree.
		`INSERT INTO home_feed (account_id, status_id, author_id)
			SELECT account_id, status_id, author_id FROM (
				SELECT f.account_id AS account_id, st.id AS status_id, st.account_id AS author_id
				FROM statuses st JOIN follows f ON f.target_account_id = st.account_id
				UNION ALL SELECT account_id, id, account_id FROM statuses
			) AS feed ORDER BY account_id, status_id`,
		// The counters InsertStatus keeps, filled in bulk like the rows.
		`INSERT INTO account_stats (account_id, statuses_count, last_status_at)
			SELECT account_id, count(*), max(created_at) FROM statuses WHERE TRUE GROUP BY account_id
			ON CONFLICT (account_id) DO UPDATE SET statuses_count = EXCLUDED.statuses_count, last_status_at = EXCLUDED.last_status_at`,
		"ANALYZE",
	} {
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	return tokens
}

// processCPU is the user and system CPU time this process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// backendCPU reads the CPU time of each PostgreSQL backend serving the
// sessions named app, by process ID, from /proc: the server must run on
// this machine. It returns nil for app "" (SQLite). PostgreSQL's shared
// background processes (WAL writer, checkpointer) are not counted.
func backendCPU(b *testing.B, s *storage.Store, app string) map[int]time.Duration {
	if app == "" {
		return nil
	}
	rows, err := s.DB().Query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, app)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	out := map[int]time.Duration{}
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			b.Fatal(err)
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			b.Skipf("PostgreSQL backends are not readable in /proc (%v): is the server on this machine?", err)
		}
		// Fields after the command's closing parenthesis; utime and stime
		// are the 14th and 15th of the line, in clock ticks (100 a second).
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		utime, _ := strconv.Atoi(f[11])
		stime, _ := strconv.Atoi(f[12])
		out[pid] = time.Duration(utime+stime) * 10 * time.Millisecond
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return out
}
