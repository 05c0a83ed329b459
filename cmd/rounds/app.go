package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	coreapp "github.com/rounds-md/rounds/core/app"
	"github.com/rounds-md/rounds/storage"
)

// app is a configured process: its logger, its database and the core
// services over it.
type app struct {
	cfg   Config
	log   *slog.Logger
	store *storage.Store
	// svc are the core services, built once (core/app); their job queue
	// (svc.Jobs) is started by serve only, after federation.New.
	svc *coreapp.Services
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
	cfg.Storage.Logger = log
	store, err := storage.Open(ctx, cfg.Storage)
	if err != nil {
		return nil, err
	}
	svc, err := coreapp.New(store, coreapp.Config{Instance: cfg.Instance, Jobs: cfg.Jobs, Media: cfg.Media}, log)
	if err != nil {
		_ = store.Close()
		return nil, err
	}
	return &app{cfg: cfg, log: log, store: store, svc: svc}, nil
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
