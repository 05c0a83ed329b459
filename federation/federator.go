package federation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/core/app"
	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/follow"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/core/poll"
	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/federation/delivery"
	"github.com/rounds-md/rounds/federation/deref"
	"github.com/rounds-md/rounds/federation/signature"
	"github.com/rounds-md/rounds/storage"
)

// InboxKind is the job kind that processes one received activity.
const InboxKind = "federation.inbox"

// Deps are the services a Federator works with.
type Deps struct {
	// Services are the process's core services (core/app). New processes
	// received activities through them and makes the Federator their
	// publisher and resolver (Services.Federate). Their job queue runs
	// inbox processing and deliveries: New registers those kinds, so call
	// it before starting the queue.
	Services *app.Services
}

// Federator is Rounds' ActivityPub server-to-server side: it accepts
// activities at the inboxes and processes them through the same core
// services as the client API, publishes local changes as activities
// (it is the outbox.Publisher of the core services), and serves objects
// and collections. It is safe for concurrent use.
type Federator struct {
	cfg      Config
	inst     instance.Config
	store    *storage.Store
	accounts *account.Service
	jobs     *job.Queue
	log      *slog.Logger

	client   *deref.Client
	resolver *deref.Resolver
	verifier *signature.Verifier
	delivery *delivery.Service
	// domains is the domain policy; its changes reach delivery at once.
	domains *Domains

	profiles  *profile.Service
	timelines *timeline.Service
	// credentials reads and stores professional profiles (professional.go).
	credentials *credential.Service
	posts       *post.Service
	follows     *follow.Service
	// polls counts received votes and keeps remote polls.
	polls *poll.Service

	now func() time.Time
	// lastPrune is when (Unix seconds) old inbox activity ids were last
	// forgotten by this process.
	lastPrune atomic.Int64
	// revived is when this process last cleared each host's delivery
	// failure marks on a signed request from it (inbox.go).
	revivedMu sync.Mutex
	revived   map[string]time.Time
	// localNames indexes local accounts by username for mentions
	// (local_index.go).
	localNames *usernameIndex
}

var _ outbox.Publisher = (*Federator)(nil)

// New builds a Federator: the instance actor's signer for fetches, the
// SSRF-safe client, the remote-actor cache, the signature verifier and the
// delivery queue, over the core services of deps, which it then federates:
// from New on, they publish through the Federator and resolve remote
// accounts with it. It registers the inbox and delivery job kinds with
// the services' queue. Call it once per Services.
func New(ctx context.Context, cfg Config, deps Deps) (*Federator, error) {
	d := deps.Services
	f := &Federator{
		cfg: cfg, inst: d.Instance, store: d.Store, accounts: d.Accounts, jobs: d.Jobs, log: d.Log,
		profiles: d.Profiles, timelines: d.Timelines, credentials: d.Credentials,
		posts: d.Posts, follows: d.Follows, polls: d.Polls,
		now: time.Now, revived: map[string]time.Time{}, localNames: newUsernameIndex(),
	}
	if cfg.Delivery.Now != nil {
		f.now = cfg.Delivery.Now
	}
	actor, err := d.Accounts.InstanceActor(ctx)
	if err != nil {
		return nil, fmt.Errorf("federation: instance actor: %w", err)
	}
	if actor.PrivateKeyPEM == nil {
		return nil, errors.New("federation: the instance actor has no private key")
	}
	signer, err := signature.NewSigner(LocalActorURLs(d.Instance, actor).Key, *actor.PrivateKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("federation: instance actor key: %w", err)
	}
	f.client = deref.NewClient(deref.Config{
		AllowPrivateAddresses: cfg.AllowPrivateAddresses,
		UserAgent:             deref.UserAgent(d.Instance.Version, d.Instance.BaseURL()),
	}, signer)
	f.resolver = deref.NewResolver(d.Store, f.client, deref.ResolverConfig{
		LocalDomain: d.Instance.Domain,
		// Remote Rounds actors state a professional profile and verification.
		OnActor: f.storeProfessional,
	}, d.Log)
	f.verifier = signature.NewVerifier(f.resolver, signature.Config{Log: d.Log})
	f.domains = NewDomains(d.Store, d.Instance)
	f.delivery, err = delivery.New(cfg.Delivery, d.Store, d.Jobs, f.client, f.domains, d.Log)
	if err != nil {
		return nil, fmt.Errorf("federation: %w", err)
	}
	f.domains.changed = f.delivery.ForgetHosts
	if err := d.Jobs.Register(job.Kind{Name: InboxKind, Handler: f.process, MaxAttempts: 5, Timeout: 2 * time.Minute}); err != nil {
		return nil, fmt.Errorf("federation: %w", err)
	}
	if err := d.Jobs.Register(job.Kind{Name: PollUpdateKind, Handler: f.runPollUpdate, MaxAttempts: 5, Timeout: time.Minute}); err != nil {
		return nil, fmt.Errorf("federation: %w", err)
	}
	d.Federate(f)
	return f, nil
}

// Resolver returns the remote-actor cache, which also resolves the keys
// of signatures.
func (f *Federator) Resolver() *deref.Resolver { return f.resolver }

// AuthorizedFetch reports whether object GETs must be signed.
func (f *Federator) AuthorizedFetch() bool { return f.cfg.AuthorizedFetch }

// AllowedHost reports whether the domain policy lets Rounds exchange
// activities with host.
func (f *Federator) AllowedHost(ctx context.Context, host string) (bool, error) {
	return f.domains.AllowedHost(ctx, host)
}

// Domains returns the domain policy. Changing a rule through it takes
// effect at once for this process's deliveries, including those already
// queued; other processes see it within a few seconds (delivery's
// hostCheckTTL).
func (f *Federator) Domains() *Domains { return f.domains }
