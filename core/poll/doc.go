// Package poll holds the rules of polls on statuses: what a poll may ask
// (2 to 4 options of at most 50 characters, open 5 minutes to a month, no
// poll together with media), storing one with its status (as a post.Hook
// in the status's transaction), reading one through the status's
// visibility, voting (once, one option unless the poll allows several,
// not after its end, not on one's own poll, never on a status the voter
// may not see), and closing it at its end with a job that notifies the
// author and the voters.
//
// Votes are told to the outbox publisher (federation) in their
// transaction, and so is a poll's closing. For federation it also keeps
// the polls of statuses received from other servers (ReceiveHook,
// RefreshRemote: their server's tallies and end) and counts the votes
// other servers send on local polls (ReceiveVote), under the same rules
// as a local vote.
//
// It imports core, core/job, core/notify, core/outbox, core/post,
// core/timeline and storage.
package poll
