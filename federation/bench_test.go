package federation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/federation/delivery"
	"github.com/rounds-md/rounds/federation/signature"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/webtest"
)

// The federation throughput benchmarks of docs/performance.md. Each runs
// on both databases over 1k and 100k stored statuses; the set-up (seeding)
// is done once per database and size, and each run starts a fresh
// instance over it. Run them with a fixed count:
//
//	ROUNDS_TEST_POSTGRES=postgres://... go test ./federation/ -run '^$' -bench 'Inbox|Delivery' -benchtime 1000x
//
// Besides throughput they report SQL statements and process CPU per
// operation (CPU holds steadier than wall-clock time on a shared machine;
// PostgreSQL's own CPU is not in it); "-args -statements" lists the
// statements. (-v would turn on the instances' debug logs.)

// Shape of the inbox benchmark's world.
const (
	benchRemoteActors = 100 // actors on the fake remote server
	benchLocals       = 100 // local accounts
	benchFollowersPer = 10  // local followers of each remote actor
	benchSenders      = 8   // concurrent senders
)

// BenchmarkInbox measures the inbox: a fake remote server with 100
// actors, each followed by 10 of 100 local accounts, sends signed
// Create{Note}s from 8 concurrent senders, every note public and
// mentioning one local account. "accepted/s" is the rate of 202s
// (signature, dedupe, job written); "processed/s" is the rate at which
// the instance's job queue, started after the last 202, then runs them
// (status stored, 10 home-feed rows, a mention and its notification).
// Requests are signed before the timer starts: signing is the sender's
// cost. The remote actors' keys are cached, as a busy inbox's are.
func BenchmarkInbox(b *testing.B) {
	for _, d := range []storage.Dialect{storage.SQLite, storage.Postgres} {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("%s/%dk", d, n/1000), func(b *testing.B) {
				env := newInboxEnv(b, d, n)
				b.Run(fmt.Sprintf("senders=%d", benchSenders), env.run)
			})
		}
	}
}

// inboxEnv is the seeded world of BenchmarkInbox.
type inboxEnv struct {
	db     *benchDB
	remote *fakeRemote
}

var benchNoteSeq atomic.Int64

func newInboxEnv(b *testing.B, d storage.Dialect, n int) *inboxEnv {
	ctx := context.Background()
	db := openBenchDB(b, d)
	remote := newFakeRemote(b, benchRemoteActors)
	// An instance to resolve the remote actors with, as the first
	// activity from each would.
	srv := webtest.Start(b, db.Side, webtest.WithManualJobs(), webtest.WithPrivateAddresses())
	locals := make([]int64, benchLocals)
	for i := range locals {
		a := &storage.Account{Username: fmt.Sprintf("r%d", i), ActorType: storage.ActorPerson, Discoverable: true}
		if err := db.Side.CreateAccount(ctx, a); err != nil {
			b.Fatal(err)
		}
		locals[i] = a.ID
	}
	authors := make([]seedAuthor, benchRemoteActors)
	for i := range authors {
		a, err := srv.Federation.Resolver().Resolve(ctx, remote.ActorID(i))
		if err != nil {
			b.Fatal(err)
		}
		authors[i] = seedAuthor{ID: a.ID, URIPrefix: remote.ActorID(i)}
		for k := 0; k < benchFollowersPer; k++ {
			f := locals[(i*benchFollowersPer+k)%len(locals)]
			if err := db.Side.UpsertFollow(ctx, &storage.Follow{AccountID: f, TargetAccountID: a.ID, ShowReblogs: true}); err != nil {
				b.Fatal(err)
			}
			authors[i].Followers = append(authors[i].Followers, f)
		}
	}
	seedStatuses(b, db.Side, authors, n)
	return &inboxEnv{db: db, remote: remote}
}

// run sends b.N activities, then processes them.
func (e *inboxEnv) run(b *testing.B) {
	ctx := context.Background()
	srv := webtest.Start(b, e.db.Store, webtest.WithManualJobs(), webtest.WithPrivateAddresses(),
		webtest.WithFederation(func(c *federation.Config) { c.AuthorizedFetch = true }))
	type signed struct {
		req  *http.Request
		body []byte
	}
	reqs := make([]signed, b.N)
	signers := map[int]*signature.Signer{}
	for i := range reqs {
		actor := i % benchRemoteActors
		if signers[actor] == nil {
			signers[actor] = e.remote.Signer(b, actor)
		}
		body, err := json.Marshal(benchNote(e.remote.ActorID(actor), fmt.Sprintf("%s/users/r%d", srv.URL, i%benchLocals)))
		if err != nil {
			b.Fatal(err)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/inbox", nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/activity+json")
		if err := signers[actor].SignPost(req, body); err != nil {
			b.Fatal(err)
		}
		reqs[i] = signed{req, body}
	}
	// Each sender keeps its connection, as a remote server would.
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: benchSenders}}
	defer client.CloseIdleConnections()
	before := countRows(b, e.db.Side, "statuses")
	e.db.Stmts.reset()

	b.ResetTimer()
	start, cpu := time.Now(), processCPU()
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < benchSenders; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r := reqs[i].req
				r.Body = io.NopCloser(bytes.NewReader(reqs[i].body))
				r.ContentLength = int64(len(reqs[i].body))
				res, err := client.Do(r)
				if err != nil {
					b.Error(err)
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusAccepted {
					b.Errorf("status %d", res.StatusCode)
				}
			}
		}()
	}
	for i := 0; i < b.N; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	accepted, acceptCPU := time.Since(start), processCPU()-cpu
	acceptStmts := e.db.Stmts.report(b, "accept", b.N)
	e.db.Stmts.reset()

	start, cpu = time.Now(), processCPU()
	if err := srv.Jobs.Start(); err != nil {
		b.Fatal(err)
	}
	waitForJobs(b, e.db.Side, federation.InboxKind)
	processed, procCPU := time.Since(start), processCPU()-cpu
	b.StopTimer()
	processStmts := e.db.Stmts.report(b, "process", b.N)

	if got := countRows(b, e.db.Side, "statuses") - before; got != b.N {
		b.Fatalf("%d statuses stored, want %d", got, b.N)
	}
	b.ReportMetric(float64(b.N)/accepted.Seconds(), "accepted/s")
	b.ReportMetric(float64(b.N)/processed.Seconds(), "processed/s")
	b.ReportMetric(acceptStmts, "stmts/accept")
	b.ReportMetric(processStmts, "stmts/activity")
	b.ReportMetric(float64(acceptCPU.Microseconds())/float64(b.N), "cpu-µs/accept")
	b.ReportMetric(float64(procCPU.Microseconds())/float64(b.N), "cpu-µs/activity")
}

// benchNote is a public Create{Note} by actor mentioning a local account.
func benchNote(actor, mentioned string) map[string]any {
	id := fmt.Sprintf("%s/statuses/bench%d", actor, benchNoteSeq.Add(1))
	now := time.Now().UTC().Format(time.RFC3339)
	to := []string{federation.PublicCollection}
	cc := []string{actor + "/followers", mentioned}
	return map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams",
		"id":       id + "/activity", "type": "Create", "actor": actor, "published": now, "to": to, "cc": cc,
		"object": map[string]any{
			"id": id, "type": "Note", "attributedTo": actor, "published": now, "to": to, "cc": cc,
			"url":     id,
			"content": `<p><span class="h-card"><a href="` + mentioned + `" class="u-url mention">@<span>someone</span></a></span> ward round notes, nothing identifying</p>`,
			"tag":     []any{map[string]any{"type": "Mention", "href": mentioned, "name": "@someone"}},
		},
	}
}

// Shape of the delivery benchmark's world.
const (
	benchHosts         = 20
	benchRemoteFollows = 200 // remote followers, spread evenly over the hosts
)

// BenchmarkDelivery measures delivery: a local author with 200 remote
// followers on 20 hosts (httptest servers that answer 202 at once), each
// host with a shared inbox, so that one status is 20 signed POSTs. The
// statuses are posted (and their deliveries queued) before the timer
// starts; the timer covers the instance's job queue delivering them all:
// claim, host checks, RSA-2048 signature, POST, completion.
// "deliveries/s" counts POSTs, "activities/s" statuses delivered to every
// host.
func BenchmarkDelivery(b *testing.B) {
	for _, d := range []storage.Dialect{storage.SQLite, storage.Postgres} {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("%s/%dk", d, n/1000), func(b *testing.B) {
				env := newDeliveryEnv(b, d, n)
				b.Run(fmt.Sprintf("hosts=%d", benchHosts), env.run)
			})
		}
	}
}

// deliveryEnv is the seeded world of BenchmarkDelivery.
type deliveryEnv struct {
	db     *benchDB
	hosts  []*benchHost
	author *storage.Account
}

// benchHost is a remote server that accepts every POST and counts them.
type benchHost struct {
	*httptest.Server
	posts    atomic.Int64
	unsigned atomic.Int64
	conns    atomic.Int64 // connections opened to it
}

func newDeliveryEnv(b *testing.B, d storage.Dialect, n int) *deliveryEnv {
	ctx := context.Background()
	db := openBenchDB(b, d)
	env := &deliveryEnv{db: db}
	srv := webtest.Start(b, db.Side, webtest.WithManualJobs(), webtest.WithPrivateAddresses())
	env.author = srv.CreateAccount(b, "author")
	for i := 0; i < benchHosts; i++ {
		h := &benchHost{}
		h.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			if r.Method != http.MethodPost || r.URL.Path != "/inbox" {
				http.NotFound(w, r)
				return
			}
			if r.Header.Get("Signature") == "" {
				h.unsigned.Add(1)
			}
			h.posts.Add(1)
			w.WriteHeader(http.StatusAccepted)
		}))
		h.Config.ConnState = func(_ net.Conn, state http.ConnState) {
			if state == http.StateNew {
				h.conns.Add(1)
			}
		}
		h.Start()
		b.Cleanup(h.Server.Close)
		env.hosts = append(env.hosts, h)
	}
	for i := 0; i < benchRemoteFollows; i++ {
		h := env.hosts[i%benchHosts]
		uri := fmt.Sprintf("%s/users/f%d", h.URL, i)
		inbox, shared, followers := uri+"/inbox", h.URL+"/inbox", uri+"/followers"
		now := time.Now().UTC()
		a := &storage.Account{
			Username: fmt.Sprintf("f%d", i), Domain: h.Listener.Addr().String(), ActorType: storage.ActorPerson,
			URI: &uri, InboxURI: &inbox, SharedInboxURI: &shared, FollowersURI: &followers, FetchedAt: &now,
		}
		if err := db.Side.UpsertRemoteAccount(ctx, a); err != nil {
			b.Fatal(err)
		}
		if err := db.Side.UpsertFollow(ctx, &storage.Follow{AccountID: a.ID, TargetAccountID: env.author.ID, ShowReblogs: true}); err != nil {
			b.Fatal(err)
		}
	}
	seedStatuses(b, db.Side, []seedAuthor{{ID: env.author.ID, Followers: []int64{env.author.ID}}}, n)
	return env
}

// run posts b.N statuses, then delivers them.
func (e *deliveryEnv) run(b *testing.B) {
	ctx := context.Background()
	srv := webtest.Start(b, e.db.Store, webtest.WithManualJobs(), webtest.WithPrivateAddresses())
	log := slog.New(slog.DiscardHandler)
	profiles := profile.New(e.db.Store, srv.Instance)
	posts := post.New(e.db.Store, srv.Instance, profiles, timeline.New(e.db.Store, profiles), log).WithPublisher(srv.Federation)
	for i := 0; i < b.N; i++ {
		if _, err := posts.Create(ctx, e.author, post.Draft{Text: fmt.Sprintf("grand rounds %d", i), Visibility: "public"}); err != nil {
			b.Fatal(err)
		}
	}
	if c, err := e.db.Side.JobCounts(ctx); err != nil || c[delivery.Kind][storage.JobAvailable] != b.N*benchHosts {
		b.Fatalf("%d deliveries queued (%v), want %d", c[delivery.Kind][storage.JobAvailable], err, b.N*benchHosts)
	}
	for _, h := range e.hosts {
		h.posts.Store(0)
		h.conns.Store(0)
	}
	e.db.Stmts.reset()

	b.ResetTimer()
	start, cpu := time.Now(), processCPU()
	if err := srv.Jobs.Start(); err != nil {
		b.Fatal(err)
	}
	waitForJobs(b, e.db.Side, delivery.Kind)
	elapsed, cpu := time.Since(start), processCPU()-cpu
	b.StopTimer()
	stmts := e.db.Stmts.report(b, "deliver", b.N*benchHosts)

	conns := int64(0)
	for i, h := range e.hosts {
		if got := h.posts.Load(); got != int64(b.N) || h.unsigned.Load() != 0 {
			b.Fatalf("host %d received %d POSTs (%d unsigned), want %d signed: one per status", i, got, h.unsigned.Load(), b.N)
		}
		conns += h.conns.Load()
	}
	b.ReportMetric(float64(b.N*benchHosts)/elapsed.Seconds(), "deliveries/s")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "activities/s")
	b.ReportMetric(stmts, "stmts/delivery")
	// Keep-alive: a handful of connections per host, not one per POST.
	b.ReportMetric(float64(conns)/benchHosts, "conns/host")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N*benchHosts), "cpu-µs/delivery")
}
