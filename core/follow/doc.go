// Package follow holds the social graph rules: following (at once, or as
// a request to a locked or remote account), authorizing and rejecting
// requests, unfollowing, removing a follower, blocking, muting, private
// notes about accounts, relationships, and the follower, following and
// mute lists. Each change keeps home feeds in step (a new follow
// back-fills recent posts, an unfollow or block removes them) and creates
// its notifications in the same transaction, and tells the outbox
// publisher (federation) what other servers must hear of. remote.go
// applies what other servers send: a Follow of a local account, a Reject.
//
// It imports core, core/notify, core/outbox, core/profile,
// core/visibility and storage.
package follow
