// Package delivery is Rounds' durable outbound queue: one job per
// (activity, inbox) in core/job's table, written in the transaction that
// causes it, so a crash or restart loses nothing. Each attempt signs the
// fixed body anew with the author's key and POSTs it.
//
// Retries: network errors, 5xx, 401, 408 and 429 are retried with
// exponential backoff and jitter (about a dozen attempts over two days,
// Config.GiveUpAfter); Retry-After is honoured; any other 4xx ends the
// job. Hosts: at most Config.PerHost deliveries run at once per host in a
// process; a host failing without a success for Config.DeadAfter is marked
// dead and skipped until any successful contact (a delivery, or a signed
// request from it) revives it. A process remembers a host it found
// allowed and healthy for a few seconds, so that a delivery costs its
// claim, its signature, its POST and its completion, not also three reads
// and a write of the host's state (hosts.go). Several processes share the
// queue through core/job's claim, which never hands one job to two of
// them.
//
// It may import core/job, storage, federation/deref and
// federation/signature; federation imports it.
package delivery
