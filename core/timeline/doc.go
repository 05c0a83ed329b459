// Package timeline holds what a viewer reads of statuses: the home feed
// (written on post by fan-out, read here as an index range scan), the
// public timelines, an account's statuses, a status and its thread. Every
// status it returns has passed visibility.MaySee for the viewer, and
// comes hydrated with its author, mentions, hashtags, counts and poll (as
// the viewer sees it, poll.go). Statuses of accounts the viewer mutes
// leave home, list, public and hashtag timelines (mute.go). A boost comes
// with the status it boosts, which the viewer must be able to see too;
// every status with its attachments, favourite and boost counts and the
// viewer's own marks on it (activity.go). saved.go reads favourites,
// bookmarks and pinned statuses.
//
// It imports core, core/filter, core/visibility, core/profile and storage.
package timeline
