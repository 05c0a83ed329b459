package oauth

import (
	"strings"
	"sync"
	"time"
)

// Limits bounds failed sign-ins (the HTML form and the password grant).
// Zero fields mean the defaults.
type Limits struct {
	// AccountFailures is how many failures one account may see per Window
	// before further attempts are refused. Default 5.
	AccountFailures int
	// IPFailures is how many failures one client address may cause per
	// Window. Default 30.
	IPFailures int
	// Window is the sliding window. Default 5 minutes.
	Window time.Duration
}

// DefaultLimits returns 5 failures per account and 30 per address in any
// 5 minutes.
func DefaultLimits() Limits {
	return Limits{AccountFailures: 5, IPFailures: 30, Window: 5 * time.Minute}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.AccountFailures <= 0 {
		l.AccountFailures = d.AccountFailures
	}
	if l.IPFailures <= 0 {
		l.IPFailures = d.IPFailures
	}
	if l.Window <= 0 {
		l.Window = d.Window
	}
	return l
}

// Limiter counts failed sign-ins per client address and per account in a
// sliding window, in memory. Several Rounds processes behind one load
// balancer each keep their own counts, so the effective limit is the
// configured one times the number of processes. It is safe for concurrent
// use.
type Limiter struct {
	limits Limits
	now    func() time.Time

	mu        sync.Mutex
	fails     map[string][]time.Time // key -> failure times, oldest first
	lastSweep time.Time
}

// NewLimiter returns a Limiter with the given limits (defaults for zeros).
func NewLimiter(l Limits) *Limiter {
	return &Limiter{limits: l.withDefaults(), now: time.Now, fails: map[string][]time.Time{}}
}

// limiterKeys returns the map keys for a client address and an account
// name (a user ID or the login as typed, compared without case).
func limiterKeys(ip, account string) (ipKey, accountKey string) {
	return "ip:" + ip, "acct:" + strings.ToLower(strings.TrimSpace(account))
}

// Allow reports whether a sign-in from ip for account may be tried now;
// when not, it also returns how long until the oldest counted failure
// leaves the window.
func (l *Limiter) Allow(ip, account string) (bool, time.Duration) {
	ipKey, accKey := limiterKeys(ip, account)
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	wait := time.Duration(0)
	for _, k := range []struct {
		key string
		max int
	}{{ipKey, l.limits.IPFailures}, {accKey, l.limits.AccountFailures}} {
		times := l.recent(k.key, now)
		if len(times) >= k.max {
			if w := times[len(times)-k.max].Add(l.limits.Window).Sub(now); w > wait {
				wait = w
			}
		}
	}
	return wait == 0, wait
}

// Fail records a failed sign-in from ip for account.
func (l *Limiter) Fail(ip, account string) {
	ipKey, accKey := limiterKeys(ip, account)
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range []struct {
		key string
		max int
	}{{ipKey, l.limits.IPFailures}, {accKey, l.limits.AccountFailures}} {
		times := append(l.recent(k.key, now), now)
		if len(times) > k.max { // older ones no longer decide anything
			times = times[len(times)-k.max:]
		}
		l.fails[k.key] = times
	}
}

// Succeed clears the account's failures after a successful sign-in; the
// address keeps its count.
func (l *Limiter) Succeed(account string) {
	_, accKey := limiterKeys("", account)
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, accKey)
}

// recent returns the key's failures inside the window ending at now,
// dropping older ones. The caller holds mu.
func (l *Limiter) recent(key string, now time.Time) []time.Time {
	times := l.fails[key]
	cut := now.Add(-l.limits.Window)
	i := 0
	for i < len(times) && !times[i].After(cut) {
		i++
	}
	if i == len(times) {
		delete(l.fails, key)
		return nil
	}
	times = times[i:]
	l.fails[key] = times
	return times
}

// sweep drops keys whose failures have all left the window, at most once
// per window, so that memory follows recent traffic. The caller holds mu.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < l.limits.Window {
		return
	}
	l.lastSweep = now
	for k := range l.fails {
		l.recent(k, now)
	}
}
