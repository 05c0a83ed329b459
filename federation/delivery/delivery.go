package delivery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/federation/deref"
	"github.com/rounds-md/rounds/federation/signature"
	"github.com/rounds-md/rounds/storage"
)

// Kind is the job kind of one delivery.
const Kind = "federation.deliver"

// Defaults for Config.
const (
	DefaultPerHost     = 2
	DefaultGiveUpAfter = 48 * time.Hour
	DefaultDeadAfter   = 72 * time.Hour
	DefaultMinBackoff  = 15 * time.Second
	DefaultMaxBackoff  = 12 * time.Hour
	// maxRetryAfter caps a remote Retry-After.
	maxRetryAfter = 6 * time.Hour
	// busyDelay is how long a delivery waits when its host is at its
	// concurrency limit in this process.
	busyDelay = time.Second
)

// Config holds the queue's settings; zero values take the defaults.
type Config struct {
	// PerHost caps concurrent deliveries to one host in one process;
	// default DefaultPerHost.
	PerHost int
	// Concurrency caps concurrent deliveries in one process; default
	// core/job's worker count.
	Concurrency int
	// GiveUpAfter is how long a delivery is retried; default two days.
	GiveUpAfter time.Duration
	// DeadAfter is how long a host may fail without a success before it
	// is skipped; default three days.
	DeadAfter time.Duration
	// MinBackoff and MaxBackoff bound the delay between attempts: after a
	// failure the next attempt waits about as long as the delivery has been
	// failing (doubling), within these bounds, with jitter. Defaults 15 s
	// and 12 h; tests shorten them.
	MinBackoff, MaxBackoff time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	if c.PerHost <= 0 {
		c.PerHost = DefaultPerHost
	}
	if c.GiveUpAfter <= 0 {
		c.GiveUpAfter = DefaultGiveUpAfter
	}
	if c.DeadAfter <= 0 {
		c.DeadAfter = DefaultDeadAfter
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = DefaultMinBackoff
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = DefaultMaxBackoff
	}
	if c.MaxBackoff < c.MinBackoff {
		c.MaxBackoff = c.MinBackoff
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Policy says whether Rounds may talk to a host at all (domain blocks and
// allowlist mode). The federation package implements it.
type Policy interface {
	AllowedHost(ctx context.Context, host string) (bool, error)
}

// Service enqueues and performs deliveries. It is safe for concurrent use.
type Service struct {
	cfg    Config
	store  *storage.Store
	jobs   *job.Queue
	client *deref.Client
	policy Policy
	log    *slog.Logger

	mu      sync.Mutex
	busy    map[string]int // deliveries running now, by host
	hosts   map[string]hostState
	signers map[int64]cachedSigner
	// policyEpoch counts ForgetHosts calls: an attempt that checked its
	// host under an older epoch checks it again before sending.
	policyEpoch uint64
}

// cachedSigner is a local account's signer, built from its key as read
// at loaded.
type cachedSigner struct {
	pem    string
	keyID  string
	signer *signature.Signer
	loaded time.Time
}

// signerTTL is how long a signer is used without reading its account
// again (to notice a new key or a deleted account).
const signerTTL = 5 * time.Second

// New returns a Service and registers its job kind with jobs. client
// sends the requests (it refuses private addresses unless configured to
// allow them); policy is asked before an attempt, except within a few
// seconds of finding the host allowed and healthy (hosts.go).
func New(cfg Config, store *storage.Store, jobs *job.Queue, client *deref.Client, policy Policy, log *slog.Logger) (*Service, error) {
	s := &Service{
		cfg: cfg.withDefaults(), store: store, jobs: jobs, client: client, policy: policy, log: log,
		busy: map[string]int{}, hosts: map[string]hostState{}, signers: map[int64]cachedSigner{},
	}
	err := jobs.Register(job.Kind{
		Name: Kind, Handler: s.handle, Concurrency: cfg.Concurrency,
		// Attempts are bounded by time (GiveUpAfter), not by count: a
		// delivery put back because its host was busy used no attempt
		// that matters.
		MaxAttempts: 100000,
		Timeout:     time.Minute,
	})
	if err != nil {
		return nil, fmt.Errorf("delivery: %w", err)
	}
	return s, nil
}

// args are a delivery job's arguments.
type args struct {
	// AccountID is the local account whose key signs the request.
	AccountID int64 `json:"account_id"`
	// KeyID is that key's id (ACTOR#main-key).
	KeyID string `json:"key_id"`
	// Inbox is where to POST.
	Inbox string `json:"inbox"`
	// Activity is the exact body to send.
	Activity json.RawMessage `json:"activity"`
	// EnqueuedAt starts the GiveUpAfter clock.
	EnqueuedAt time.Time `json:"enqueued_at"`
}

// Delivery is one activity to send to one inbox.
type Delivery struct {
	// AccountID is the local author whose key signs the request, and
	// KeyID its key id.
	AccountID int64
	KeyID     string
	Inbox     string
	// Activity is the serialised activity, sent byte for byte.
	Activity []byte
	// Priority is job.PriorityInteractive for follows, accepts, replies
	// and direct messages, bulk for large fan-outs.
	Priority job.Priority
}

// Enqueue writes one delivery job through tx (the transaction of the
// change that causes it).
func (s *Service) Enqueue(ctx context.Context, tx *storage.Store, d Delivery) error {
	a := args{AccountID: d.AccountID, KeyID: d.KeyID, Inbox: d.Inbox, Activity: d.Activity, EnqueuedAt: s.cfg.Now().UTC()}
	if _, err := s.jobs.Enqueue(ctx, tx, Kind, a, job.Options{Priority: d.Priority}); err != nil {
		return fmt.Errorf("delivery: %w", err)
	}
	return nil
}

// errBusy is the error of a delivery put back because its host is at its
// concurrency limit.
var errBusy = errors.New("delivery: host busy in this process")

// handle performs one delivery attempt.
func (s *Service) handle(ctx context.Context, j *job.Job) error {
	var a args
	if err := j.Decode(&a); err != nil {
		return err
	}
	u, err := url.Parse(a.Inbox)
	if err != nil || u.Host == "" {
		return job.Permanent(fmt.Errorf("delivery: inbox %q: not a URL", a.Inbox))
	}
	host := strings.ToLower(u.Host)
	now := s.cfg.Now()
	if now.Sub(a.EnqueuedAt) > s.cfg.GiveUpAfter {
		return job.Permanent(fmt.Errorf("delivery to %s: gave up after %s", host, s.cfg.GiveUpAfter))
	}
	epoch, err := s.checkHost(ctx, host, now)
	if err != nil {
		return err
	}
	if !s.acquire(host) {
		return job.RetryAfter(jitter(busyDelay), errBusy)
	}
	defer s.release(host)

	signer, err := s.signer(ctx, a.AccountID, a.KeyID)
	if err != nil {
		return err
	}
	for s.policyChanged(epoch) {
		// The domain policy changed since the check: ask it again.
		if epoch, err = s.checkHost(ctx, host, s.cfg.Now()); err != nil {
			return err
		}
	}
	resp, err := s.client.Post(ctx, a.Inbox, a.Activity, signer)
	if err != nil {
		if ctx.Err() != nil {
			return err // shutting down: the job is handed back
		}
		return s.failed(ctx, host, a, err, 0)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		s.contacted(ctx, host, s.cfg.Now())
		return nil
	case code == http.StatusUnauthorized || code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500:
		return s.failed(ctx, host, a, fmt.Errorf("delivery to %s: %d %s", host, code, clip(string(msg))), retryAfter(resp.Header.Get("Retry-After"), s.cfg.Now()))
	default:
		// The host answered: it is alive, but this delivery will never
		// succeed.
		s.contacted(ctx, host, s.cfg.Now())
		return job.Permanent(fmt.Errorf("delivery to %s: %d %s", host, code, clip(string(msg))))
	}
}

// failed records a failed attempt and asks for the next one.
func (s *Service) failed(ctx context.Context, host string, a args, cause error, after time.Duration) error {
	s.forgetHost(host)
	h, err := s.store.RecordDeliveryFailure(ctx, host, s.cfg.Now(), s.cfg.DeadAfter)
	if err != nil {
		s.log.WarnContext(ctx, "delivery: record failure", "host", host, "err", err)
	} else if h.Dead() {
		s.log.WarnContext(ctx, "delivery: host marked dead", "host", host)
		return job.Permanent(fmt.Errorf("%w (host now marked dead)", cause))
	}
	if after <= 0 {
		after = s.backoff(s.cfg.Now().Sub(a.EnqueuedAt))
	}
	return job.RetryAfter(after, cause)
}

// backoff is the delay after a failure of a delivery that has been
// pending for age: about age again (so the delays double), within
// [MinBackoff, MaxBackoff], spread by jitter.
func (s *Service) backoff(age time.Duration) time.Duration {
	d := min(max(age, s.cfg.MinBackoff), s.cfg.MaxBackoff)
	return jitter(d)
}

// jitter spreads d over [d/2, 3d/2).
func jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d)
}

// retryAfter reads a Retry-After header (seconds or an HTTP date), 0 when
// absent or unreadable, capped at maxRetryAfter.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.Atoi(h); err == nil {
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(h); err == nil {
		d = t.Sub(now)
	}
	if d <= 0 {
		return 0
	}
	return min(d, maxRetryAfter)
}

// acquire takes one of host's concurrency slots, if one is free.
func (s *Service) acquire(host string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.busy[host] >= s.cfg.PerHost {
		return false
	}
	s.busy[host]++
	return true
}

func (s *Service) release(host string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.busy[host]--; s.busy[host] <= 0 {
		delete(s.busy, host)
	}
}

// signer returns the signer of a local account, cached while its key is
// unchanged; the account is read again after signerTTL.
func (s *Service) signer(ctx context.Context, accountID int64, keyID string) (*signature.Signer, error) {
	now := s.cfg.Now()
	s.mu.Lock()
	c, ok := s.signers[accountID]
	s.mu.Unlock()
	if ok && c.keyID == keyID && now.Sub(c.loaded) < signerTTL {
		return c.signer, nil
	}
	a, err := s.store.AccountByID(ctx, accountID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, job.Permanent(fmt.Errorf("delivery: signing account %d is gone", accountID))
	}
	if err != nil {
		return nil, err
	}
	if a.PrivateKeyPEM == nil {
		return nil, job.Permanent(fmt.Errorf("delivery: account %d has no private key", accountID))
	}
	signer := c.signer
	if !ok || c.pem != *a.PrivateKeyPEM || c.keyID != keyID {
		if signer, err = signature.NewSigner(keyID, *a.PrivateKeyPEM); err != nil {
			return nil, job.Permanent(fmt.Errorf("delivery: account %d: %w", accountID, err))
		}
	}
	s.mu.Lock()
	s.signers[accountID] = cachedSigner{pem: *a.PrivateKeyPEM, keyID: keyID, signer: signer, loaded: now}
	s.mu.Unlock()
	return signer, nil
}

// clip shortens a remote error message for the job row.
func clip(s string) string {
	s = strings.ToValidUTF8(strings.TrimSpace(s), "")
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
