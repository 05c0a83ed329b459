// Package schedule holds scheduled statuses: a draft (with its poll, if
// any) kept to be published at a chosen time at least five minutes ahead,
// within limits (300 waiting, 25 due on one day), listed, moved and
// cancelled by its author, and published on time by a job (kind
// status.scheduled) through core/post's Create, the same path as a status
// posted at once. Publishing removes the scheduled status in the new
// status's transaction, so a job that runs twice, or one left over from
// before a reschedule, publishes nothing more.
//
// It imports core, core/job, core/poll, core/post, core/profile and
// storage.
package schedule
