// Package job is Rounds' durable background job queue: media processing
// now, and later scheduled statuses, poll expiry and federation delivery.
//
// Jobs live in the database (storage.Job). Enqueue writes one with the
// Store it is given, so a job enqueued on a Store from storage.InTx exists
// exactly when the transaction that caused it commits. A Queue runs the
// jobs of the kinds registered with it: it claims due jobs under a lease
// (FOR UPDATE SKIP LOCKED on PostgreSQL, so several processes share one
// queue and never run a job twice at once), renews the lease while a
// handler runs, retries failures with exponential backoff and jitter up
// to each kind's maximum attempts, limits how many jobs of each kind run
// at once, and runs urgent priorities first. A worker that finishes a job
// completes it and claims its next job in one round trip
// (storage.CompleteJobAndClaim), so a busy queue costs one statement per
// job besides the jobs' own. Stop lets running jobs finish and hands back
// the ones that do not finish in time; the jobs of a crashed process
// become runnable again when their lease expires (a sweep every half
// lease finds them).
//
// It imports storage; never web, federation, gin or bun.
package job
