package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/rounds-md/rounds/storage"
)

// maxErrorLen caps the error text kept on a job row.
const maxErrorLen = 2000

// run runs one claimed job to its outcome: finished (deleted), retried
// later, discarded, or handed back on shutdown. base is cancelled on a
// hard stop. With chain, a finished job's completion also claims the next
// job for the caller's slot (one round trip for both), which run returns;
// nil when none was claimed.
func (q *Queue) run(base context.Context, k Kind, sj *storage.Job, chain bool) *storage.Job {
	j := &Job{ID: sj.ID, Kind: sj.Kind, Args: json.RawMessage(sj.Args), Attempt: sj.Attempt, MaxAttempts: sj.MaxAttempts}
	if sj.Key != nil {
		j.Key = *sj.Key
	}
	ctx, cancel := context.WithTimeout(base, k.Timeout)
	lost := make(chan struct{})
	stopBeat := q.heartbeat(ctx, sj, cancel, lost)
	err := call(ctx, k.Handler, j)
	stopBeat()
	cancel()

	// Record the outcome even when base was cancelled: the database is
	// still open until Stop returns.
	db, done := context.WithTimeout(context.WithoutCancel(base), 10*time.Second)
	defer done()
	select {
	case <-lost:
		q.log.WarnContext(db, "job: lease lost while running; another claimer owns the job now",
			"job", j.ID, "kind", j.Kind, "attempt", j.Attempt)
		return nil
	default:
	}
	owner, now := q.cfg.Owner, q.cfg.Now()
	var serr error
	switch {
	case err == nil && chain:
		kinds := q.reserveNext(k.Name)
		next, completed, err := q.store.CompleteJobAndClaim(db, j.ID, owner, j.Attempt, kinds, now, now.Add(q.cfg.Lease))
		q.settleNext(k.Name, kinds, next)
		switch {
		case err != nil:
			q.log.WarnContext(db, "job: record outcome", "job", j.ID, "kind", j.Kind, "err", err)
		case !completed:
			q.log.WarnContext(db, "job: record outcome", "job", j.ID, "kind", j.Kind, "err", "the claim was lost")
		}
		return next
	case err == nil:
		serr = q.store.CompleteJob(db, j.ID, owner, j.Attempt)
	case base.Err() != nil:
		// Shut down before the handler finished: hand the job back.
		serr = q.store.ReleaseJob(db, j.ID, owner, j.Attempt, now)
		q.log.InfoContext(db, "job: released on shutdown", "job", j.ID, "kind", j.Kind)
	case IsPermanent(err) || j.Attempt >= j.MaxAttempts:
		serr = q.store.DiscardJob(db, j.ID, owner, j.Attempt, errText(err))
		q.log.WarnContext(db, "job: discarded", "job", j.ID, "kind", j.Kind, "attempt", j.Attempt,
			"permanent", IsPermanent(err), "err", err)
	default:
		delay, ok := retryAfter(err)
		if !ok {
			delay = jitter(k.Backoff(j.Attempt))
		}
		serr = q.store.RetryJob(db, j.ID, owner, j.Attempt, now.Add(delay), errText(err))
		q.log.InfoContext(db, "job: will retry", "job", j.ID, "kind", j.Kind, "attempt", j.Attempt,
			"in", delay, "err", err)
	}
	if serr != nil {
		q.log.WarnContext(db, "job: record outcome", "job", j.ID, "kind", j.Kind, "err", serr)
	}
	return nil
}

// heartbeat renews the job's lease every Lease/3 until the returned stop
// is called. If the lease turns out to be lost, it closes lost and cancels
// the handler's context.
func (q *Queue) heartbeat(ctx context.Context, sj *storage.Job, cancel context.CancelFunc, lost chan struct{}) (stop func()) {
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(q.cfg.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			err := q.store.ExtendJobLease(ctx, sj.ID, q.cfg.Owner, sj.Attempt, q.cfg.Now().Add(q.cfg.Lease))
			if errors.Is(err, storage.ErrNotFound) {
				close(lost)
				cancel()
				return
			}
			if err != nil && ctx.Err() == nil {
				q.log.WarnContext(ctx, "job: renew lease", "job", sj.ID, "err", err)
			}
		}
	}()
	return func() { close(quit); <-finished }
}

// call runs h, turning a panic into an error.
func call(ctx context.Context, h Handler, j *Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("job %s %d: panic: %v\n%s", j.Kind, j.ID, p, debug.Stack())
		}
	}()
	return h(ctx, j)
}

// errText is the error kept on the job row.
func errText(err error) string {
	s := err.Error()
	if len(s) > maxErrorLen {
		s = s[:maxErrorLen]
	}
	return s
}
