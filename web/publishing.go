package web

import (
	"log/slog"

	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/core/poll"
	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/schedule"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/storage"
)

// Publishing builds the poll and scheduled-status services, which register
// their job kinds (poll.close, status.scheduled) with jobs, and gives fed
// the poll service: call it before the queue starts. Scheduled statuses publish through a post service
// wired as the API's (media, federation), so a scheduled post is the same
// post. cmd/rounds and web/webtest both call it, so the two cannot drift.
func Publishing(store *storage.Store, inst instance.Config, m *media.Service, fed *federation.Federator, jobs *job.Queue, log *slog.Logger) (*poll.Service, *schedule.Service, error) {
	profiles := profile.New(store, inst).WithResolver(fed)
	timelines := timeline.New(store, profiles)
	posts := post.New(store, inst, profiles, timelines, log).WithPublisher(fed).WithMedia(m)
	polls, err := poll.New(store, timelines, jobs, log)
	if err != nil {
		return nil, nil, err
	}
	polls.WithPublisher(fed)
	// The inbox counts received votes and keeps received polls with it.
	fed.WithPolls(polls)
	scheduled, err := schedule.New(store, posts, polls, jobs, log)
	if err != nil {
		return nil, nil, err
	}
	return polls, scheduled, nil
}
