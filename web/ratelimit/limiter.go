package ratelimit

import (
	"net/netip"
	"strings"
	"sync"
	"time"
)

// Limiter counts API requests against Rules in fixed windows. It lives in
// memory, one per process (see the package comment), and is safe for
// concurrent use.
type Limiter struct {
	enabled bool
	exempt  []netip.Prefix
	rules   []rule
	maxKeys int
	now     func() time.Time

	mu        sync.Mutex
	counts    map[counterKey]counter
	lastSweep time.Time
}

// rule is a Rule prepared for matching.
type rule struct {
	Rule
	period int64 // nanoseconds
	// routes holds "METHOD pattern" and "* pattern" entries; nil matches all.
	routes map[string]bool
}

// counterKey names one counter: a rule and who it counts.
type counterKey struct {
	rule int
	id   int64      // token or account ID (ByToken, ByAccount)
	ip   netip.Addr // client address or its /64 (ByIP, ByAnonymousIP)
}

// counter is a request count in one window.
type counter struct {
	window int64 // window index: Unix nanoseconds / period
	n      int
}

// identity is who a request comes from.
type identity struct {
	token   int64 // 0 when anonymous
	account int64 // 0 when anonymous or app-only
	ip      netip.Addr
}

// Status is what a request's counting says: the figures of the matching
// rule with the fewest requests left (or of the rule it exceeded), which
// the three X-RateLimit headers carry.
type Status struct {
	Rule      string
	Limit     int
	Remaining int
	Reset     time.Time
	// Exceeded means the request is over Rule's limit and must be refused.
	Exceeded bool
}

// New returns a Limiter for cfg.
func New(cfg Config) *Limiter {
	l := &Limiter{enabled: cfg.Enabled, exempt: cfg.Exempt, maxKeys: cfg.MaxKeys, now: cfg.Now, counts: map[counterKey]counter{}}
	if l.maxKeys <= 0 {
		l.maxKeys = 100_000
	}
	if l.now == nil {
		l.now = time.Now
	}
	rules := cfg.Rules
	if rules == nil {
		rules = DefaultRules()
	}
	for _, r := range rules {
		if r.Limit <= 0 || r.Period <= 0 {
			continue // a rule that allows nothing or never resets is a mistake, not a policy
		}
		cr := rule{Rule: r, period: int64(r.Period)}
		if len(r.Routes) > 0 {
			cr.routes = map[string]bool{}
			for _, rt := range r.Routes {
				method, pattern, ok := strings.Cut(rt, " ")
				if !ok {
					method, pattern = "*", rt
				}
				cr.routes[strings.ToUpper(method)+" "+strings.TrimSpace(pattern)] = true
			}
		}
		l.rules = append(l.rules, cr)
	}
	return l
}

// Enabled reports whether the limiter limits anything.
func (l *Limiter) Enabled() bool { return l.enabled && len(l.rules) > 0 }

// Exempt reports whether requests from ip are never limited.
func (l *Limiter) Exempt(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range l.exempt {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// matches reports whether r applies to a request of method on the route
// pattern route from who.
func (r *rule) matches(who identity, method, route string) bool {
	if r.routes != nil && !r.routes[method+" "+route] && !r.routes["* "+route] {
		return false
	}
	switch r.By {
	case ByToken:
		return who.token != 0
	case ByAccount:
		return who.account != 0
	case ByAnonymousIP:
		return who.token == 0
	case ByIP:
		return true
	}
	return false
}

// key is the counter of r for who.
func (r *rule) key(i int, who identity) counterKey {
	switch r.By {
	case ByToken:
		return counterKey{rule: i, id: who.token}
	case ByAccount:
		return counterKey{rule: i, id: who.account}
	default:
		return counterKey{rule: i, ip: who.ip}
	}
}

// take counts one request of method on route from who against every rule
// that matches, stopping at the first rule it exceeds (whose figures it
// returns). Otherwise it returns the figures of the matching rule with the
// fewest requests left. counted is false when no rule counted the request.
func (l *Limiter) take(who identity, method, route string) (st Status, counted bool) {
	now := l.now()
	ns := now.UnixNano()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) >= time.Minute {
		l.sweep(ns)
		l.lastSweep = now
	}
	for i := range l.rules {
		r := &l.rules[i]
		if !r.matches(who, method, route) {
			continue
		}
		k := r.key(i, who)
		window := ns / r.period
		c, ok := l.counts[k]
		if !ok && len(l.counts) >= l.maxKeys {
			continue // table full: pass uncounted (see Config.MaxKeys)
		}
		if c.window != window {
			c = counter{window: window}
		}
		c.n++
		l.counts[k] = c
		s := Status{Rule: r.Name, Limit: r.Limit, Remaining: max(r.Limit-c.n, 0), Reset: time.Unix(0, (window+1)*r.period)}
		if c.n > r.Limit {
			s.Exceeded = true
			return s, true
		}
		if !counted || s.Remaining < st.Remaining {
			st = s
		}
		counted = true
	}
	return st, counted
}

// sweep drops counters of windows that have ended. The caller holds mu.
func (l *Limiter) sweep(ns int64) {
	for k, c := range l.counts {
		if c.window != ns/l.rules[k.rule].period {
			delete(l.counts, k)
		}
	}
}

// ipKey is the address counted for ip: itself for IPv4, its /64 for IPv6
// (one host usually holds a whole /64, as Mastodon assumes).
func ipKey(ip netip.Addr) netip.Addr {
	ip = ip.Unmap()
	if ip.Is6() {
		p, err := ip.Prefix(64)
		if err == nil {
			return p.Addr()
		}
	}
	return ip
}
