// Package timeline holds what a viewer reads of statuses: the home feed
// (written on post by fan-out, read here as an index range scan), the
// public timelines, an account's statuses, a status and its thread. Every
// status it returns has passed visibility.MaySee for the viewer, and
// comes hydrated with its author, mentions, hashtags and counts.
//
// It imports core, core/filter, core/visibility, core/profile and storage.
package timeline
