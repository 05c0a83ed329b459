package federation_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rounds-md/rounds/federation/federationtest"
	"github.com/rounds-md/rounds/federation/signature"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// The throughput benchmarks (bench_test.go) share this set-up: a database
// of each kind with the pool a serving process has, seeded in bulk with
// a number of stored statuses, and a count of the SQL statements the
// instance sends.

// benchSizes are the stored statuses the throughput benchmarks run over,
// to show how throughput changes as the database grows.
var benchSizes = []int{1_000, 100_000}

// benchDB is one seeded database.
type benchDB struct {
	// Store is what the instance under test uses; its statements are
	// counted.
	Store *storage.Store
	// Side is a second pool on the same database for seeding and for
	// polling the queue, so that neither is counted nor competes for the
	// instance's connections.
	Side  *storage.Store
	Stmts *stmtCounter
}

// openBenchDB opens a fresh, migrated database of dialect d with the
// serving defaults for its pool (storagetest caps test pools lower).
func openBenchDB(b *testing.B, d storage.Dialect) *benchDB {
	b.Helper()
	ctx := context.Background()
	cfg := storagetest.Config(b, d)
	cfg.MaxOpenConns = 0
	open := func() *storage.Store {
		s, err := storage.Open(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = s.Close() })
		return s
	}
	db := &benchDB{Store: open(), Side: open(), Stmts: &stmtCounter{byShape: map[string]int{}}}
	if _, err := db.Side.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	db.Store.OnStatement(db.Stmts.add)
	return db
}

// seedAuthor is an author of seeded statuses and the local accounts whose
// home feeds receive them.
type seedAuthor struct {
	ID        int64
	URIPrefix string // remote authors: their statuses' ids start with it; "" for local
	Followers []int64
}

// seedStatuses writes n public statuses spread over authors, with their
// home-feed rows and the authors' counters, in multi-row INSERTs: seeding
// 100k statuses through the post services would take many minutes, and
// only the size of the tables matters here.
func seedStatuses(b *testing.B, s *storage.Store, authors []seedAuthor, n int) {
	b.Helper()
	ctx := context.Background()
	start := time.Now().Add(-time.Duration(n) * time.Second).UTC()
	ts := func(t time.Time) string { return t.Format("2006-01-02 15:04:05.000000-07:00") }
	const batch = 500
	for lo := 0; lo < n; lo += batch {
		var sts, feed []string
		for i := lo; i < min(lo+batch, n); i++ {
			at := start.Add(time.Duration(i) * time.Second)
			id := storage.IDAt(at) + int64(i%1000)
			a := authors[i%len(authors)]
			local, uri := "TRUE", "NULL"
			if a.URIPrefix != "" {
				local, uri = "FALSE", fmt.Sprintf("'%s/seeded/%d'", a.URIPrefix, i)
			}
			sts = append(sts, fmt.Sprintf("(%d, %d, %s, %s, 'status %d', '<p>status %d</p>', 'public', '%s', '%s', %d)",
				id, a.ID, local, uri, i, i, ts(at), ts(at), id))
			for _, f := range a.Followers {
				feed = append(feed, fmt.Sprintf("(%d, %d, %d)", f, id, a.ID))
			}
		}
		qs := []string{"INSERT INTO statuses (id, account_id, local, uri, text, content, visibility, created_at, updated_at, conversation_id) VALUES " + strings.Join(sts, ",")}
		if len(feed) > 0 {
			qs = append(qs, "INSERT INTO home_feed (account_id, status_id, author_id) VALUES "+strings.Join(feed, ","))
		}
		for _, q := range qs {
			if _, err := s.DB().ExecContext(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	}
	// The counters InsertStatus keeps, filled in bulk like the rows.
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO account_stats (account_id, statuses_count, last_status_at)
		SELECT account_id, count(*), max(created_at) FROM statuses GROUP BY account_id
		ON CONFLICT (account_id) DO UPDATE SET statuses_count = EXCLUDED.statuses_count, last_status_at = EXCLUDED.last_status_at`); err != nil {
		b.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
}

// countRows counts the rows of a table.
func countRows(b testing.TB, s *storage.Store, table string) int {
	b.Helper()
	var n int
	if err := s.DB().QueryRowContext(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}

// waitForJobs waits until no job of kind is waiting or running, and fails
// if any was discarded. It looks every 25 ms with one probe of the claim
// index; counting the whole queue at each look (JobCounts) cost
// PostgreSQL a third of its time with 10,000 deliveries queued.
func waitForJobs(b *testing.B, s *storage.Store, kind string) {
	b.Helper()
	for {
		var pending bool
		err := s.DB().QueryRowContext(context.Background(), `SELECT EXISTS (SELECT 1 FROM jobs
			WHERE state IN ('available', 'running') AND kind = '`+kind+`')`).Scan(&pending)
		if err != nil {
			b.Fatal(err)
		}
		if !pending {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	c, err := s.JobCounts(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	if n := c[kind][storage.JobDiscarded]; n > 0 {
		b.Fatalf("%d %s jobs discarded", n, kind)
	}
}

// stmtCounter counts SQL statements by shape (literals blanked).
type stmtCounter struct {
	mu      sync.Mutex
	total   int
	byShape map[string]int
}

func (c *stmtCounter) add(q string) {
	shape := blankLiterals(q)
	c.mu.Lock()
	c.total++
	c.byShape[shape]++
	c.mu.Unlock()
}

// reset forgets the counts and returns the total before.
func (c *stmtCounter) reset() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.total
	c.total, c.byShape = 0, map[string]int{}
	return n
}

// showStatements asks the throughput benchmarks to list the statements
// they count: go test ./federation/ -bench ... -args -statements
var showStatements = flag.Bool("statements", false, "list the SQL statements per operation of the throughput benchmarks")

// report returns the statements run per operation and, with -statements,
// prints them, most frequent first, to standard error (benchmark logs are
// cut to a few lines), except for the first, one-operation run.
func (c *stmtCounter) report(b *testing.B, what string, ops int) float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if *showStatements && ops > 1 {
		type row struct {
			shape string
			n     int
		}
		var rows []row
		for s, n := range c.byShape {
			rows = append(rows, row{s, n})
		}
		for i := range rows {
			for j := i + 1; j < len(rows); j++ {
				if rows[j].n > rows[i].n {
					rows[i], rows[j] = rows[j], rows[i]
				}
			}
		}
		var sb strings.Builder
		fmt.Fprintf(&sb, "%s %s: %.1f statements per operation (%d over %d)\n", b.Name(), what, float64(c.total)/float64(ops), c.total, ops)
		for _, r := range rows {
			fmt.Fprintf(&sb, "  %6.2f  %s\n", float64(r.n)/float64(ops), r.shape)
		}
		fmt.Fprint(os.Stderr, sb.String())
	}
	return float64(c.total) / float64(ops)
}

// blankLiterals replaces the quoted strings and numbers of a statement by
// "?" and cuts it to 150 bytes, so that runs of one statement group.
func blankLiterals(q string) string {
	var sb strings.Builder
	inQuote := false
	prevWord := false
	for i := 0; i < len(q) && sb.Len() < 150; i++ {
		c := q[i]
		switch {
		case inQuote:
			if c == '\'' {
				inQuote = false
			}
		case c == '\'':
			inQuote = true
			sb.WriteByte('?')
		case c >= '0' && c <= '9' && !prevWord:
			for i+1 < len(q) && (q[i+1] >= '0' && q[i+1] <= '9' || q[i+1] == '.') {
				i++
			}
			sb.WriteByte('?')
		case c == '\n' || c == '\t':
			if sb.Len() > 0 && !strings.HasSuffix(sb.String(), " ") {
				sb.WriteByte(' ')
			}
		case c == ' ' && strings.HasSuffix(sb.String(), " "):
		default:
			sb.WriteByte(c)
		}
		prevWord = c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	return sb.String()
}

// fakeRemote is a fake remote server with n actors sharing one key (key
// generation would otherwise dominate the set-up), each with its key at
// ACTOR#main-key and the server's shared inbox.
type fakeRemote struct {
	Server *httptest.Server
	key    string // PEM
	pub    string
	n      int
}

// newFakeRemote starts the server, closed when the benchmark ends.
func newFakeRemote(b *testing.B, n int) *fakeRemote {
	b.Helper()
	k := federationtest.NewKey(b)
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		b.Fatal(err)
	}
	r := &fakeRemote{key: federationtest.PrivatePEM(b, k), n: n,
		pub: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	b.Cleanup(r.Server.Close)
	return r
}

// ActorID is the id of actor i.
func (r *fakeRemote) ActorID(i int) string { return fmt.Sprintf("%s/users/a%d", r.Server.URL, i) }

// Signer signs as actor i.
func (r *fakeRemote) Signer(b *testing.B, i int) *signature.Signer {
	b.Helper()
	s, err := signature.NewSigner(r.ActorID(i)+"#main-key", r.key)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func (r *fakeRemote) serve(w http.ResponseWriter, req *http.Request) {
	var i int
	if _, err := fmt.Sscanf(req.URL.Path, "/users/a%d", &i); err != nil || i < 0 || i >= r.n || req.URL.Path != fmt.Sprintf("/users/a%d", i) {
		if req.Method == http.MethodPost && req.URL.Path == "/inbox" {
			w.WriteHeader(http.StatusAccepted)
			return
		}
		http.NotFound(w, req)
		return
	}
	id := r.ActorID(i)
	w.Header().Set("Content-Type", "application/activity+json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"@context": []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id":       id, "type": "Person", "preferredUsername": fmt.Sprintf("a%d", i),
		"inbox": id + "/inbox", "outbox": id + "/outbox", "followers": id + "/followers", "following": id + "/following",
		"endpoints": map[string]any{"sharedInbox": r.Server.URL + "/inbox"},
		"publicKey": map[string]any{"id": id + "#main-key", "owner": id, "publicKeyPem": r.pub},
	})
}
