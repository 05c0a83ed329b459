package oauth

import (
	"log/slog"
	"time"

	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/storage"
)

// Config holds the authorization server's settings. DefaultConfig gives
// the defaults; zero durations and limits also mean the default.
type Config struct {
	// PasswordGrant enables grant_type=password on the token endpoint
	// (toot's login_cli, Mastodon.py's log_in(username, password)). On by
	// default; Mastodon 4.4 removed it.
	PasswordGrant bool
	// CodeTTL is how long an authorization code may wait for its
	// exchange. Default 10 minutes.
	CodeTTL time.Duration
	// SessionTTL is how long a browser stays signed in on the OAuth pages.
	// Default 14 days.
	SessionTTL time.Duration
	// Limits bounds failed sign-ins.
	Limits Limits
	// TokenCacheTTL is how long a resolved access token is trusted without
	// asking the database again. Revocations and suspensions made by this
	// process apply at once; those made by another process (the admin
	// CLI, another server on the same database) within this time. Zero
	// means DefaultTokenCacheTTL (2 seconds); negative turns caching off.
	TokenCacheTTL time.Duration
}

// DefaultConfig returns the defaults: password grant on, codes valid for
// 10 minutes, sessions for 14 days, DefaultLimits.
func DefaultConfig() Config {
	return Config{PasswordGrant: true, CodeTTL: 10 * time.Minute, SessionTTL: 14 * 24 * time.Hour, Limits: DefaultLimits()}
}

// withDefaults fills zero fields from DefaultConfig.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.CodeTTL <= 0 {
		c.CodeTTL = d.CodeTTL
	}
	if c.SessionTTL <= 0 {
		c.SessionTTL = d.SessionTTL
	}
	if c.TokenCacheTTL == 0 {
		c.TokenCacheTTL = DefaultTokenCacheTTL
	}
	c.Limits = c.Limits.withDefaults()
	return c
}

// Service applies the OAuth rules over a Store. It is safe for concurrent
// use; its sign-in limiter lives in memory, so each process keeps its own.
type Service struct {
	store   *storage.Store
	inst    instance.Config
	cfg     Config
	log     *slog.Logger
	limiter *Limiter
	grants  *grantCache // nil when caching is off
	now     func() time.Time
}

// New returns a Service.
func New(store *storage.Store, inst instance.Config, cfg Config, log *slog.Logger) *Service {
	cfg = cfg.withDefaults()
	return &Service{
		store: store, inst: inst, cfg: cfg, log: log,
		limiter: NewLimiter(cfg.Limits), grants: newGrantCache(cfg.TokenCacheTTL), now: time.Now,
	}
}

// Config returns the settings in force, defaults filled in.
func (s *Service) Config() Config { return s.cfg }
