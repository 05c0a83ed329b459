// Package post holds what writing a status does: the text rules (plain
// text in, Mastodon-style HTML out, mentions, hashtags, the length limit),
// replies and threads, the default visibility, Idempotency-Key, and — in
// one transaction with the status — its fan-out into home feeds and the
// notifications it causes. Deleting a status undoes the fan-out.
//
// Insert is the entry point the inbox shares for statuses from other
// servers: same storage, same fan-out, same notifications (receive.go:
// Receive, ReceiveReblog, EditRemote, RemoveRemote).
//
// Hooks (hook.go) let other concepts store their part in the status's
// transaction (a poll, a scheduled status's removal); direct statuses are
// filed as conversations (core/conversation).
//
// It also holds what people do to statuses, each in one transaction with
// its notification and its outbox event: media attachments (attach.go),
// favourites and bookmarks, muted conversations and who favourited or
// boosted (favourite.go), boosts (reblog.go), pins (pin.go), and edits
// with their history and source (edit.go).
//
// It imports core, core/instance, core/visibility, core/profile,
// core/timeline, core/notify, core/conversation, core/outbox, core/media,
// core/follow (for its list Entry) and storage.
package post
