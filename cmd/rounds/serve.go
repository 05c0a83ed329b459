package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/web"
)

// shutdownTimeout bounds how long in-flight requests may take to finish
// after SIGINT or SIGTERM.
const shutdownTimeout = 30 * time.Second

// cmdServe implements "rounds serve": migrate (or refuse with --no-migrate),
// listen, serve until a signal, then shut down gracefully.
func cmdServe(ctx context.Context, e env, args []string) error {
	fs := newFlagSet("serve", e.stderr)
	noMigrate := fs.Bool("no-migrate", false, "do not apply migrations; exit if any are pending")
	load := configFlags(fs, e.getenv)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, e)
	if err != nil {
		return err
	}
	defer a.close()
	if *noMigrate {
		if err := a.requireMigrated(ctx); err != nil {
			return fmt.Errorf("--no-migrate: %w", err)
		}
	} else {
		applied, err := a.store.Migrate(ctx)
		if err != nil {
			return err
		}
		if len(applied) > 0 {
			a.log.Info("migrations applied", "count", len(applied), "last", applied[len(applied)-1])
		}
	}
	if _, err := a.svc.Accounts.InstanceActor(ctx); err != nil {
		return err
	}
	// Federation registers its job kinds (inbox, delivery) before the
	// queue starts, and becomes the core services' publisher and resolver.
	fed, err := federation.New(ctx, cfg.Federation, federation.Deps{Services: a.svc})
	if err != nil {
		return err
	}
	if err := a.firstRunHint(ctx); err != nil {
		return err
	}
	// The hourly clean-up of unattached uploads keeps itself going once
	// one job waits; this queues it on the first start.
	if err := a.svc.Media.ScheduleCleanup(ctx); err != nil {
		return err
	}

	// Background jobs run once the schema is current, and stop before the
	// database closes (the deferred close above runs after this; a second
	// stop waits for the first).
	if err := a.svc.Jobs.Start(); err != nil {
		return err
	}
	defer a.stopJobs(ctx)

	handler := web.New(cfg.Web, web.Deps{Services: a.svc, Federation: fed})
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (ROUNDS_ADDR): %w", cfg.Addr, err)
	}
	if cfg.PprofAddr != "" {
		if err := servePprof(ctx, cfg.PprofAddr, a.log); err != nil {
			return fmt.Errorf("listen on %s (ROUNDS_PPROF_ADDR): %w", cfg.PprofAddr, err)
		}
	}
	a.log.Info("rounds serving", "version", version, "addr", ln.Addr().String(),
		"url", cfg.Instance.BaseURL(), "database", string(a.store.Dialect()))

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	a.log.Info("shutting down: finishing in-flight requests")
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	// Running jobs finish (or are handed back) while requests finish.
	jobsStopped := make(chan struct{})
	go func() { defer close(jobsStopped); a.stopJobs(shutCtx) }()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	<-jobsStopped
	a.log.Info("stopped")
	return nil
}

// stopJobs lets running jobs finish for up to shutdownTimeout, then hands
// the rest back to the queue. Calling it again does nothing.
func (a *app) stopJobs(ctx context.Context) {
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := a.svc.Jobs.Stop(stopCtx); err != nil {
		a.log.Warn("stopping background jobs", "err", err)
	}
}

// firstRunHint logs how to create the first admin when there is none.
func (a *app) firstRunHint(ctx context.Context) error {
	has, err := a.svc.Accounts.HasAdmin(ctx)
	if err != nil || has {
		return err
	}
	a.log.Info(`no admin account yet; create one with: rounds admin account create --username USER --email EMAIL --password PASSWORD --role admin`)
	return nil
}
