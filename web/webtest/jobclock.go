package webtest

import "time"

// WithJobClock gives the job queue a clock, so that a test can run jobs
// due later (a poll's end, a scheduled status) by moving it forward and
// calling Server.Jobs.RunDue, without waiting. Use it with WithManualJobs.
func WithJobClock(now func() time.Time) Option { return func(c *config) { c.jobClock = now } }
