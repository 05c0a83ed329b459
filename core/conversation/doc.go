// Package conversation holds direct-message conversations: each thread of
// direct statuses, as each local participant sees it — its newest status
// the participant may see, the other participants, and whether it is
// unread. core/post records every new direct status here (Record, in the
// status's transaction): unread for its recipients, read for its author.
// A participant may mark a conversation read, or remove it from its list
// until a new status arrives in the thread.
//
// It imports core, core/profile, core/timeline and storage.
package conversation
