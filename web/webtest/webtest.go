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

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web"
)

// Server is one running Rounds instance.
type Server struct {
	// URL is the base URL, e.g. http://127.0.0.1:41234.
	URL      string
	Instance instance.Config
	Store    *storage.Store
	Accounts *account.Service
	Log      *slog.Logger
	HTTP     *httptest.Server
}

// Option changes the configuration of a Server before it starts.
type Option func(*config)

type config struct {
	host string
	inst instance.Config
	web  web.Config
}

// WithHost makes the server listen on host (e.g. "127.0.0.2"), so several
// instances in one test have distinct domains.
func WithHost(host string) Option { return func(c *config) { c.host = host } }

// WithInstance edits the instance configuration (the domain and protocol
// are set from the listener afterwards).
func WithInstance(fn func(*instance.Config)) Option { return func(c *config) { fn(&c.inst) } }

// Start runs a Rounds instance over store until the test ends.
func Start(t testing.TB, store *storage.Store, opts ...Option) *Server {
	t.Helper()
	c := config{
		host: "127.0.0.1",
		inst: instance.Config{
			Name: "Rounds Test", Description: "A test instance.", ContactEmail: "admin@example.org",
			Registrations: instance.RegistrationsApproval, FederationMode: instance.FederationOpen, Version: "0.0.0-test",
		},
	}
	for _, o := range opts {
		o(&c)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(c.host, "0"))
	if err != nil {
		t.Fatalf("webtest: listen: %v", err)
	}
	c.inst.Domain = ln.Addr().String()
	c.inst.Protocol = "http"
	c.web.Instance = c.inst
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	accounts := account.New(store, c.inst, log)
	if _, err := accounts.InstanceActor(context.Background()); err != nil {
		t.Fatalf("webtest: instance actor: %v", err)
	}
	srv := httptest.NewUnstartedServer(web.New(c.web, web.Deps{Store: store, Accounts: accounts, Log: log}))
	_ = srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return &Server{URL: srv.URL, Instance: c.inst, Store: store, Accounts: accounts, Log: log, HTTP: srv}
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
