package main

import (
	"github.com/rounds-md/rounds/core/poll"
	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/schedule"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/federation"
)

// publishing builds the poll and scheduled-status services, which
// register their job kinds (poll.close, status.scheduled): call it before
// the queue starts. Scheduled statuses publish through a post service
// wired as the API's (media, federation).
func (a *app) publishing(fed *federation.Federator) (*poll.Service, *schedule.Service, error) {
	profiles := profile.New(a.store, a.cfg.Instance).WithResolver(fed)
	timelines := timeline.New(a.store, profiles)
	posts := post.New(a.store, a.cfg.Instance, profiles, timelines, a.log).WithPublisher(fed).WithMedia(a.media)
	polls, err := poll.New(a.store, timelines, a.jobs, a.log)
	if err != nil {
		return nil, nil, err
	}
	polls.WithPublisher(fed)
	scheduled, err := schedule.New(a.store, posts, polls, a.jobs, a.log)
	if err != nil {
		return nil, nil, err
	}
	return polls, scheduled, nil
}
