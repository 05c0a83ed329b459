package app

import (
	"context"
	"log/slog"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/core/conversation"
	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/filter"
	"github.com/rounds-md/rounds/core/follow"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/core/list"
	"github.com/rounds-md/rounds/core/marker"
	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/core/notify"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/core/poll"
	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/report"
	"github.com/rounds-md/rounds/core/schedule"
	"github.com/rounds-md/rounds/core/search"
	"github.com/rounds-md/rounds/core/tag"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/storage"
)

// Config is what the graph is built from.
type Config struct {
	// Instance is what this instance is.
	Instance instance.Config
	// Jobs configures the background job queue.
	Jobs job.Config
	// Media configures uploads; Media.Dir is required.
	Media media.Config
	// Accounts are options of the account service
	// (account.WithTestCosts in tests).
	Accounts []account.Option
}

// Services are the core services of one process, each built once. The
// edges read them and must not build their own. Their fields are set by
// New and Federate and not changed afterwards.
type Services struct {
	Instance instance.Config
	Store    *storage.Store
	Log      *slog.Logger
	// Jobs is the background job queue; the services below register their
	// kinds with it, and federation.New its own. Start it after both.
	Jobs     *job.Queue
	Accounts *account.Service
	// Media stores and processes uploads.
	Media *media.Service

	Profiles *profile.Service
	// ProfileEditor applies profile edits (update_credentials, the pages).
	ProfileEditor *profile.Editor
	Timelines     *timeline.Service
	// Posts is the one post service: the client API, the inbox, the pages
	// and the scheduled-status job publish through it.
	Posts         *post.Service
	Follows       *follow.Service
	Notifications *notify.Service
	Polls         *poll.Service
	// Scheduled publishes scheduled statuses through Posts.
	Scheduled     *schedule.Service
	Reports       *report.Service
	Lists         *list.Service
	Tags          *tag.Service
	Filters       *filter.Service
	Markers       *marker.Service
	Search        *search.Service
	Conversations *conversation.Service
	// Credentials holds professional profiles and verifications.
	Credentials *credential.Service
	// RemoteProfiles asks another Rounds instance, as the viewer, for the
	// professional profile it shows them; one table of per-viewer counts
	// for the API and the pages.
	RemoteProfiles *credential.RemoteViews
}

// New builds every core service over store and registers their job kinds
// (media, poll closing, scheduled statuses) with the queue it builds. It
// does not touch the database. Until Federate, the services tell no other
// server anything and resolve only accounts already known.
func New(store *storage.Store, cfg Config, log *slog.Logger) (*Services, error) {
	jobs := job.New(store, cfg.Jobs, log)
	m, err := media.New(store, cfg.Instance, cfg.Media, jobs, log)
	if err != nil {
		return nil, err
	}
	inst := cfg.Instance
	profiles := profile.New(store, inst)
	timelines := timeline.New(store, profiles)
	posts := post.New(store, inst, profiles, timelines, log).WithMedia(m)
	polls, err := poll.New(store, timelines, jobs, log)
	if err != nil {
		return nil, err
	}
	scheduled, err := schedule.New(store, posts, polls, jobs, log)
	if err != nil {
		return nil, err
	}
	tags := tag.New(store, timelines)
	canSee := func(ctx context.Context, viewer *storage.Account, id int64) error {
		_, err := timelines.Get(ctx, viewer, id)
		return err
	}
	creds := credential.New(store, inst, nil, nil, log)
	return &Services{
		Instance: inst, Store: store, Log: log, Jobs: jobs, Media: m,
		Accounts:       account.New(store, inst, log, cfg.Accounts...),
		Profiles:       profiles,
		ProfileEditor:  profile.NewEditor(profiles, store, m, nil, log),
		Timelines:      timelines,
		Posts:          posts,
		Follows:        follow.New(store, profiles, log),
		Notifications:  notify.New(store, profiles, timelines),
		Polls:          polls,
		Scheduled:      scheduled,
		Reports:        report.New(store, profiles, timelines, log),
		Lists:          list.New(store, profiles, timelines),
		Tags:           tags,
		Filters:        filter.New(store, canSee),
		Markers:        marker.New(store),
		Search:         search.New(store, profiles, timelines, tags, nil),
		Conversations:  conversation.New(store, profiles, timelines),
		Credentials:    creds,
		RemoteProfiles: credential.NewRemoteViews(creds, nil, credential.RemoteViewConfig{}),
	}, nil
}

// Remote is the edge towards other servers, as the core services use it:
// it publishes what local people do, finds remote accounts by address and
// by URL, and asks another Rounds instance for a profile as a viewer.
// federation.Federator implements it.
type Remote interface {
	outbox.Publisher
	profile.AcctResolver
	search.URIResolver
	credential.ProfileFetcher
}

// Federate attaches r to every service that talks to other servers: the
// publisher of posts, follows, polls, reports, profile edits and
// credentials; the resolver of profiles (and so of mentions, follows and
// search by address); search by URL; remote professional profiles. Call it
// once, before the services are used (federation.New does).
func (s *Services) Federate(r Remote) {
	s.Profiles.WithResolver(r)
	s.Posts.WithPublisher(r)
	s.Follows.WithPublisher(r)
	s.Polls.WithPublisher(r)
	s.Reports.WithPublisher(r)
	s.ProfileEditor.WithPublisher(r)
	s.Credentials.WithPublisher(r)
	s.Search.WithURIs(r)
	s.RemoteProfiles.WithFetcher(r)
}
