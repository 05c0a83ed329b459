package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Priority orders runnable jobs: a lower value is claimed first, so an
// interactive job does not wait behind a large fan-out of bulk ones.
type Priority int

// The priorities Rounds uses.
const (
	// PriorityInteractive is for work a person is waiting on: a media
	// upload, a reply or a follow to deliver.
	PriorityInteractive Priority = 1
	// PriorityDefault is for ordinary background work.
	PriorityDefault Priority = 2
	// PriorityBulk is for fan-out and clean-up that may lag.
	PriorityBulk Priority = 3
)

// Handler does the work of one job. Returning nil finishes the job; an
// error retries it after a backoff, unless it is Permanent or the last
// attempt. A handler must return soon after ctx is done: that is how a
// shutdown or a lost lease stops it.
type Handler func(ctx context.Context, j *Job) error

// Job is one claimed job as its handler sees it.
type Job struct {
	ID          int64
	Kind        string
	Key         string
	Args        json.RawMessage
	Attempt     int // 1 on the first run
	MaxAttempts int
}

// Decode unmarshals the job's arguments into v.
func (j *Job) Decode(v any) error {
	if err := json.Unmarshal(j.Args, v); err != nil {
		return Permanent(fmt.Errorf("job %s %d: arguments: %w", j.Kind, j.ID, err))
	}
	return nil
}

// Kind describes one kind of job and how to run it.
type Kind struct {
	// Name identifies the kind in the database, e.g. "media.process".
	Name string
	// Handler runs one job.
	Handler Handler
	// MaxAttempts is how many times a job may run before it is
	// discarded; default 10.
	MaxAttempts int
	// Concurrency caps the jobs of this kind one process runs at once;
	// default Config.Workers.
	Concurrency int
	// Priority is the default priority of new jobs; default
	// PriorityDefault.
	Priority Priority
	// Timeout bounds one attempt; default 5 minutes.
	Timeout time.Duration
	// Backoff gives the delay before attempt n+1 after attempt n failed,
	// before jitter; default Exponential(time.Second, time.Hour).
	Backoff func(attempt int) time.Duration
}

// withDefaults fills in the zero fields of k.
func (k Kind) withDefaults(workers int) Kind {
	if k.MaxAttempts <= 0 {
		k.MaxAttempts = 10
	}
	if k.Concurrency <= 0 || k.Concurrency > workers {
		k.Concurrency = workers
	}
	if k.Priority == 0 {
		k.Priority = PriorityDefault
	}
	if k.Timeout <= 0 {
		k.Timeout = 5 * time.Minute
	}
	if k.Backoff == nil {
		k.Backoff = Exponential(time.Second, time.Hour)
	}
	return k
}

// Exponential returns a backoff of base × 2^(attempt-1), at most max.
func Exponential(base, max time.Duration) func(attempt int) time.Duration {
	return func(attempt int) time.Duration {
		d := base
		for i := 1; i < attempt && d < max; i++ {
			d *= 2
		}
		return min(d, max)
	}
}

// jitter spreads a delay d uniformly over [d/2, 3d/2), so that jobs that
// failed together do not all retry together.
func jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d)
}

// permanentError marks an error that retrying cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent wraps err so that the job is discarded at once instead of
// retried (a remote server answered 404, the arguments are malformed).
func Permanent(err error) error { return &permanentError{err: err} }

// retryAfterError asks for the next attempt after a given delay.
type retryAfterError struct {
	err   error
	after time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }

// RetryAfter wraps err so that, if attempts are left, the next one runs
// after d instead of the kind's backoff (a remote server sent Retry-After).
func RetryAfter(d time.Duration, err error) error { return &retryAfterError{err: err, after: d} }

// IsPermanent reports whether err was wrapped with Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// retryAfter returns the delay asked for with RetryAfter, if any.
func retryAfter(err error) (time.Duration, bool) {
	var r *retryAfterError
	if errors.As(err, &r) {
		return r.after, true
	}
	return 0, false
}
