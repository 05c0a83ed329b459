// Package webtest starts real Rounds instances on httptest servers for
// tests: a fresh database (from storagetest), every service wired as
// cmd/rounds wires them, and a listener on a loopback address.
package webtest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/core/app"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/core/oauth"
	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web"
	"github.com/rounds-md/rounds/web/ratelimit"
)

// Server is one running Rounds instance.
type Server struct {
	// URL is the base URL, e.g. http://127.0.0.1:41234.
	URL string
	// Services are the instance's core services, built as cmd/rounds
	// builds them (core/app) and federated: Store, Accounts, Posts ...
	// Their job queue (Jobs) is started, unless WithManualJobs, and
	// stopped when the test ends; media files live in a temporary folder.
	*app.Services
	// Federation is the instance's ActivityPub side (inbox, delivery).
	Federation *federation.Federator
	HTTP       *httptest.Server
}

// Option changes the configuration of a Server before it starts.
type Option func(*config)

type config struct {
	host       string
	addr       string // exact host:port to listen on, "" for host:0
	domain     string // WithDomain: the domain to serve, "" for the listener's address
	inst       instance.Config
	web        web.Config
	fed        federation.Config
	manualJobs bool
	jobClock   func() time.Time // WithJobClock
}

// WithHost makes the server listen on host (e.g. "127.0.0.2"), so several
// instances in one test have distinct domains.
func WithHost(host string) Option { return func(c *config) { c.host = host } }

// WithInstance edits the instance configuration (the domain and protocol
// are set from the listener afterwards).
func WithInstance(fn func(*instance.Config)) Option { return func(c *config) { fn(&c.inst) } }

// WithManualJobs leaves the job queue stopped: jobs wait until the test
// runs them with Server.Jobs.RunDue, so that it can observe the state
// before them (a media upload still processing) without racing a worker.
func WithManualJobs() Option { return func(c *config) { c.manualJobs = true } }

// WithOAuth edits the OAuth configuration (oauth.DefaultConfig() unless changed).
func WithOAuth(fn func(*oauth.Config)) Option { return func(c *config) { fn(&c.web.OAuth) } }

// WithRateLimit turns the API rate limits on with cfg (they are off by
// default, so that no other test trips them; ratelimit.DefaultConfig() is
// what an instance runs with).
func WithRateLimit(cfg ratelimit.Config) Option { return func(c *config) { c.web.RateLimit = cfg } }

// WithTrustedProxies sets the reverse proxies whose X-Forwarded-For is
// believed (ROUNDS_TRUSTED_PROXIES).
func WithTrustedProxies(cidrs ...string) Option {
	return func(c *config) { c.web.TrustedProxies = cidrs }
}

// Start runs a Rounds instance over store until the test ends.
func Start(t testing.TB, store *storage.Store, opts ...Option) *Server {
	t.Helper()
	c := config{
		host: "127.0.0.1",
		inst: instance.Config{
			Name: "Rounds Test", Description: "A test instance.", ContactEmail: "admin@example.org",
			Registrations: instance.RegistrationsApproval, FederationMode: instance.FederationOpen, Version: "0.0.0-test",
		},
		// Rate limits off unless WithRateLimit: tests make many requests.
		web: web.Config{OAuth: oauth.DefaultConfig(), RateLimit: ratelimit.Config{}},
		fed: defaultFederation(),
	}
	for _, o := range opts {
		o(&c)
	}
	addr := c.addr
	if addr == "" {
		addr = net.JoinHostPort(c.host, "0")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("webtest: listen: %v", err)
	}
	c.inst.Domain = ln.Addr().String()
	if c.domain != "" {
		c.inst.Domain = c.domain
	}
	c.inst.Protocol = "http"
	c.web.Instance = c.inst
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	svc, err := app.New(store, app.Config{
		Instance: c.inst,
		Jobs:     job.Config{PollInterval: 100 * time.Millisecond, Now: c.jobClock},
		Media:    media.Config{Dir: t.TempDir()},
		Accounts: []account.Option{account.WithTestCosts()},
	}, log)
	if err != nil {
		t.Fatalf("webtest: services: %v", err)
	}
	if _, err := svc.Accounts.InstanceActor(context.Background()); err != nil {
		t.Fatalf("webtest: instance actor: %v", err)
	}
	fed, err := federation.New(context.Background(), c.fed, federation.Deps{Services: svc})
	if err != nil {
		t.Fatalf("webtest: federation: %v", err)
	}
	jobs := svc.Jobs
	if !c.manualJobs {
		if err := jobs.Start(); err != nil {
			t.Fatalf("webtest: jobs: %v", err)
		}
	}
	// Cleanups run last-registered first: the HTTP server closes, then the
	// queue stops, then storagetest closes the database.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := jobs.Stop(ctx); err != nil {
			t.Errorf("webtest: stop jobs: %v", err)
		}
	})
	srv := httptest.NewUnstartedServer(web.New(c.web, web.Deps{Services: svc, Federation: fed}))
	_ = srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return &Server{URL: srv.URL, Services: svc, Federation: fed, HTTP: srv}
}

// CreateAccount makes a confirmed, approved local member with the password
// "correct horse battery", failing the test on error.
func (s *Server) CreateAccount(t testing.TB, username string) *storage.Account {
	t.Helper()
	a, err := s.Accounts.Create(context.Background(), account.NewAccount{
		Username: username, Email: username + "@example.org", Password: Password,
		Approved: true, Confirmed: true,
	})
	if err != nil {
		t.Fatalf("webtest: create account %s: %v", username, err)
	}
	return a
}

// Password is the password CreateAccount gives every account.
const Password = "correct horse battery"

// testWriter sends log lines to t.Log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
