package webtest

import (
	"log/slog"
	"testing"
	"time"

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

// WithJobClock gives the job queue a clock, so that a test can run jobs
// due later (a poll's end, a scheduled status) by moving it forward and
// calling Server.Jobs.RunDue, without waiting. Use it with WithManualJobs.
func WithJobClock(now func() time.Time) Option { return func(c *config) { c.jobClock = now } }

// publishing builds the poll and scheduled-status services, which
// register their job kinds with jobs, wired as cmd/rounds wires them
// (cmd/rounds/publishing.go): scheduled statuses publish through a post
// service with the API's media and federation.
func publishing(t testing.TB, store *storage.Store, inst instance.Config, m *media.Service, fed *federation.Federator, jobs *job.Queue, log *slog.Logger) (*poll.Service, *schedule.Service) {
	t.Helper()
	profiles := profile.New(store, inst).WithResolver(fed)
	timelines := timeline.New(store, profiles)
	posts := post.New(store, inst, profiles, timelines, log).WithPublisher(fed).WithMedia(m)
	polls, err := poll.New(store, timelines, jobs, log)
	if err != nil {
		t.Fatalf("webtest: polls: %v", err)
	}
	polls.WithPublisher(fed)
	scheduled, err := schedule.New(store, posts, polls, jobs, log)
	if err != nil {
		t.Fatalf("webtest: scheduled statuses: %v", err)
	}
	return polls, scheduled
}
