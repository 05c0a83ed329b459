// Package follow holds the social graph rules: following (at once, or as
// a request to a locked or remote account), authorizing and rejecting
// requests, unfollowing, blocking, relationships, and the follower and
// following lists. Each change keeps home feeds in step (a new follow
// back-fills recent posts, an unfollow or block removes them) and creates
// its notifications in the same transaction.
//
// It imports core, core/notify, core/profile, core/visibility and storage.
package follow
