package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/storage"
)

// app is a configured process: its logger, its database and the core
// services over it.
type app struct {
	cfg      Config
	log      *slog.Logger
	store    *storage.Store
	accounts *account.Service
	// jobs is the background job queue; serve starts it.
	jobs  *job.Queue
	media *media.Service
}

// newLogger builds the process logger from the configuration.
func newLogger(cfg Config, e env) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(e.stderr, opts))
}

// openApp connects to the database and builds the core services. It does
// not migrate.
func openApp(ctx context.Context, cfg Config, e env) (*app, error) {
	log := newLogger(cfg, e)
	store, err := storage.Open(ctx, cfg.Storage)
	if err != nil {
		return nil, err
	}
	jobs := job.New(store, cfg.Jobs, log)
	mediaSvc, err := media.New(store, cfg.Instance, cfg.Media, jobs, log)
	if err != nil {
		_ = store.Close()
		return nil, err
	}
	return &app{
		cfg: cfg, log: log, store: store,
		accounts: account.New(store, cfg.Instance, log),
		jobs:     jobs, media: mediaSvc,
	}, nil
}

// requireMigrated fails when migrations are pending, for commands that
// must not change the schema themselves.
func (a *app) requireMigrated(ctx context.Context) error {
	pending, err := a.store.Pending(ctx)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		return fmt.Errorf("%d migrations are pending (%s); run \"rounds migrate\"", len(pending), strings.Join(pending, ", "))
	}
	return nil
}

// close releases the database.
func (a *app) close() { _ = a.store.Close() }
