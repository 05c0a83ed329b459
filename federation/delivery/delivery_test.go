package delivery_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/federation/delivery"
	"github.com/rounds-md/rounds/federation/deref"
	"github.com/rounds-md/rounds/federation/federationtest"
	"github.com/rounds-md/rounds/federation/signature"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// clock is a settable clock shared by the queue and the deliveries.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type policy map[string]bool // refused hosts

func (p policy) AllowedHost(_ context.Context, host string) (bool, error) { return !p[host], nil }

// inbox is a fake remote inbox: it answers each path with a status,
// records what it received, and checks every request's Digest.
type inbox struct {
	*httptest.Server
	t testing.TB

	mu       sync.Mutex
	status   map[string]int
	header   map[string]http.Header
	received map[string]int // activity id → deliveries
	inFlight int
	peak     int
	delay    time.Duration
}

func newInbox(t testing.TB) *inbox {
	in := &inbox{t: t, status: map[string]int{}, header: map[string]http.Header{}, received: map[string]int{}}
	in.Server = httptest.NewServer(http.HandlerFunc(in.serve))
	t.Cleanup(in.Close)
	return in
}

func (in *inbox) serve(w http.ResponseWriter, r *http.Request) {
	in.mu.Lock()
	in.inFlight++
	in.peak = max(in.peak, in.inFlight)
	code, ok := in.status[r.URL.Path]
	hdr := in.header[r.URL.Path]
	delay := in.delay
	in.mu.Unlock()
	defer func() { in.mu.Lock(); in.inFlight--; in.mu.Unlock() }()
	if delay > 0 {
		time.Sleep(delay)
	}
	body, _ := io.ReadAll(r.Body)
	if r.Header.Get("Digest") != signature.Digest(body) || !strings.Contains(r.Header.Get("Signature"), `headers="(request-target) host date digest"`) ||
		r.Header.Get("Content-Type") != "application/activity+json" {
		in.t.Errorf("badly signed delivery: %v", r.Header)
	}
	if !ok {
		code = http.StatusAccepted
	}
	for k, v := range hdr {
		w.Header()[k] = v
	}
	if code < 300 {
		var act struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(body, &act)
		in.mu.Lock()
		in.received[act.ID]++
		in.mu.Unlock()
	}
	w.WriteHeader(code)
}

func (in *inbox) count(id string) int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.received[id]
}

// sender is a local account with a key, and a queue with the delivery
// kind registered.
type sender struct {
	store   *storage.Store
	account *storage.Account
	keyID   string
	jobs    *job.Queue
	svc     *delivery.Service
}

func newSender(t *testing.T, s *storage.Store, c *clock, p delivery.Policy, cfg delivery.Config, account *storage.Account) *sender {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	jcfg := job.Config{PollInterval: 20 * time.Millisecond}
	if c != nil {
		jcfg.Now, cfg.Now = c.Now, c.Now
	}
	jobs := job.New(s, jcfg, log)
	svc, err := delivery.New(cfg, s, jobs, deref.NewClient(deref.Config{AllowPrivateAddresses: true}, nil), p, log)
	if err != nil {
		t.Fatal(err)
	}
	if account == nil {
		key := federationtest.PrivatePEM(t, federationtest.NewKey(t))
		account = &storage.Account{Username: "alice", ActorType: storage.ActorPerson, PrivateKeyPEM: &key, PublicKeyPEM: "x"}
		if err := s.CreateAccount(context.Background(), account); err != nil {
			t.Fatal(err)
		}
	}
	return &sender{store: s, account: account, keyID: "https://rounds.example/users/alice#main-key", jobs: jobs, svc: svc}
}

// send enqueues one delivery of an activity with that id to url.
func (s *sender) send(t *testing.T, url, id string) int64 {
	t.Helper()
	err := s.store.InTx(context.Background(), func(ctx context.Context, tx *storage.Store) error {
		return s.svc.Enqueue(ctx, tx, delivery.Delivery{
			AccountID: s.account.ID, KeyID: s.keyID, Inbox: url,
			Activity: []byte(fmt.Sprintf(`{"id":%q,"type":"Create"}`, id)), Priority: job.PriorityDefault,
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return 0
}

func (s *sender) runDue(t *testing.T) {
	t.Helper()
	if _, err := s.jobs.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// jobsIn counts delivery jobs by state.
func jobsIn(t *testing.T, s *storage.Store) map[string]int {
	t.Helper()
	c, err := s.JobCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c[delivery.Kind] == nil {
		return map[string]int{}
	}
	return c[delivery.Kind]
}

func host(in *inbox) string { return strings.TrimPrefix(in.URL, "http://") }

// TestDeliveryOutcomes: 2xx delivers; 4xx other than 401/408/429 is not
// retried; 5xx, 401 and 429 are, after a backoff or the Retry-After the
// server asked for.
func TestDeliveryOutcomes(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		c := &clock{t: time.Now()}
		in := newInbox(t)
		in.status["/gone"] = http.StatusGone
		in.status["/bad"] = http.StatusBadRequest
		in.status["/limited"] = http.StatusTooManyRequests
		in.header["/limited"] = http.Header{"Retry-After": {"120"}}
		in.status["/down"] = http.StatusServiceUnavailable
		in.status["/unauthorized"] = http.StatusUnauthorized
		snd := newSender(t, s, c, policy{}, delivery.Config{MinBackoff: time.Minute, MaxBackoff: time.Hour}, nil)

		snd.send(t, in.URL+"/ok", "a1")
		snd.runDue(t)
		if in.count("a1") != 1 || len(jobsIn(t, s)) != 0 {
			t.Fatalf("accepted delivery: received %d, jobs %v", in.count("a1"), jobsIn(t, s))
		}
		h, err := s.DeliveryHostByName(context.Background(), host(in))
		if err != nil || h.LastSuccessAt == nil || h.FailingSince != nil {
			t.Fatalf("host after a success: %+v, %v", h, err)
		}

		for _, p := range []string{"/gone", "/bad"} {
			snd.send(t, in.URL+p, "final"+p)
		}
		snd.runDue(t)
		if got := jobsIn(t, s); got[storage.JobDiscarded] != 2 || got[storage.JobAvailable] != 0 {
			t.Fatalf("4xx answers: jobs %v, want two discarded and none waiting", got)
		}

		for _, p := range []string{"/limited", "/down", "/unauthorized"} {
			snd.send(t, in.URL+p, "retry"+p)
		}
		snd.runDue(t)
		if got := jobsIn(t, s); got[storage.JobAvailable] != 3 {
			t.Fatalf("retryable answers: jobs %v, want three waiting", got)
		}
		// Nothing is due before the backoff (30 s at least with jitter)...
		c.Add(20 * time.Second)
		snd.runDue(t)
		if got := jobsIn(t, s); got[storage.JobAvailable] != 3 {
			t.Fatalf("jobs ran before their backoff: %v", got)
		}
		h, err = s.DeliveryHostByName(context.Background(), host(in))
		if err != nil || h.FailingSince == nil {
			t.Fatalf("host after failures: %+v, %v", h, err)
		}
		// ...and the server that asked for 120 s waits longer than the
		// others' first backoff (at most 90 s).
		in.status["/down"], in.status["/unauthorized"] = http.StatusAccepted, http.StatusAccepted
		c.Add(75 * time.Second)
		snd.runDue(t)
		if in.count("retry/down") != 1 || in.count("retry/unauthorized") != 1 || in.count("retry/limited") != 0 {
			t.Fatalf("after 95 s: down %d, unauthorized %d, limited %d deliveries", in.count("retry/down"), in.count("retry/unauthorized"), in.count("retry/limited"))
		}
		in.status["/limited"] = http.StatusAccepted
		c.Add(30 * time.Second)
		snd.runDue(t)
		if in.count("retry/limited") != 1 {
			t.Fatal("the rate-limited delivery was not retried after its Retry-After")
		}
	})
}

// TestDeadHostAndGiveUp: a host failing for DeadAfter is marked dead and
// skipped; any success revives it. A delivery is retried for GiveUpAfter,
// then dropped. A blocked domain gets nothing.
func TestDeadHostAndGiveUp(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		c := &clock{t: time.Now()}
		in := newInbox(t)
		in.status["/inbox"] = http.StatusInternalServerError
		cfg := delivery.Config{MinBackoff: time.Minute, MaxBackoff: time.Hour, GiveUpAfter: 48 * time.Hour, DeadAfter: 72 * time.Hour}
		snd := newSender(t, s, c, policy{}, cfg, nil)

		snd.send(t, in.URL+"/inbox", "first")
		snd.runDue(t)
		// Retried until two days have passed, then dropped.
		for i := 0; i < 60 && jobsIn(t, s)[storage.JobAvailable] > 0; i++ {
			c.Add(time.Hour)
			snd.runDue(t)
		}
		if got := jobsIn(t, s); got[storage.JobDiscarded] != 1 {
			t.Fatalf("after two days of failures: jobs %v, want the delivery dropped", got)
		}
		h, _ := s.DeliveryHostByName(context.Background(), host(in))
		if h.Dead() {
			t.Fatal("host marked dead after two days; the threshold is three")
		}
		// A day later it still fails: now it is dead, and the next
		// delivery is skipped without a request.
		c.Add(25 * time.Hour)
		snd.send(t, in.URL+"/inbox", "second")
		snd.runDue(t)
		h, _ = s.DeliveryHostByName(context.Background(), host(in))
		if !h.Dead() {
			t.Fatalf("host after three days of failures: %+v", h)
		}
		in.status["/inbox"] = http.StatusAccepted
		snd.send(t, in.URL+"/inbox", "third")
		snd.runDue(t)
		if in.count("third") != 0 {
			t.Fatal("delivered to a dead host")
		}
		// A signed request from the host revives it.
		if ok, err := s.ReviveDeliveryHost(context.Background(), host(in)); err != nil || !ok {
			t.Fatalf("revive: %v %v", ok, err)
		}
		snd.send(t, in.URL+"/inbox", "fourth")
		snd.runDue(t)
		if in.count("fourth") != 1 {
			t.Fatal("no delivery after the host was revived")
		}

		// A blocked host gets nothing, and the job is dropped.
		blocked := newInbox(t)
		snd2 := newSender(t, s, c, policy{host(blocked): true}, cfg, snd.account)
		before := jobsIn(t, s)[storage.JobDiscarded]
		snd2.send(t, blocked.URL+"/inbox", "blocked")
		snd2.runDue(t)
		if blocked.count("blocked") != 0 || jobsIn(t, s)[storage.JobDiscarded] != before+1 {
			t.Fatalf("blocked host: %d deliveries, jobs %v", blocked.count("blocked"), jobsIn(t, s))
		}
	})
}

// TestTwoProcessesNeverDeliverTwice: two queues (two processes) over one
// database share the deliveries, each delivered exactly once, and each
// process keeps to its per-host limit.
func TestTwoProcessesNeverDeliverTwice(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		in := newInbox(t)
		in.delay = 5 * time.Millisecond
		cfg := delivery.Config{PerHost: 2, MinBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}
		one := newSender(t, s, nil, policy{}, cfg, nil)
		two := newSender(t, s, nil, policy{}, cfg, one.account)
		const n = 120
		for i := 0; i < n; i++ {
			one.send(t, fmt.Sprintf("%s/inbox/%d", in.URL, i%7), fmt.Sprintf("act-%d", i))
		}
		for _, q := range []*job.Queue{one.jobs, two.jobs} {
			if err := q.Start(); err != nil {
				t.Fatal(err)
			}
		}
		end := time.Now().Add(60 * time.Second)
		for len(jobsIn(t, s)) > 0 {
			if time.Now().After(end) {
				t.Fatalf("deliveries not done: %v", jobsIn(t, s))
			}
			time.Sleep(20 * time.Millisecond)
		}
		for _, q := range []*job.Queue{one.jobs, two.jobs} {
			if err := q.Stop(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < n; i++ {
			if c := in.count(fmt.Sprintf("act-%d", i)); c != 1 {
				t.Errorf("activity %d delivered %d times", i, c)
			}
		}
		if in.peak > 2*cfg.PerHost {
			t.Errorf("%d deliveries to one host at once from two processes with a limit of %d each", in.peak, cfg.PerHost)
		}
	})
}
