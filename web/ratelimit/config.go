package ratelimit

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Config says whether and how the API is rate limited. The zero value is
// off; DefaultConfig is what an instance runs with.
type Config struct {
	// Enabled turns the limits on.
	Enabled bool
	// Exempt are the client address ranges never limited (and sent no
	// rate-limit headers): load tests, or instances sharing one host.
	Exempt []netip.Prefix
	// Rules are the limits; nil means DefaultRules().
	Rules []Rule
	// MaxKeys bounds how many counters are kept at once (each is a few
	// dozen bytes). When the table is full and nothing in it has expired,
	// requests of new clients pass uncounted rather than evict counters of
	// known ones. 0 means 100,000.
	MaxKeys int
	// Now is the clock; nil means time.Now. Tests set it to step through
	// windows without sleeping.
	Now func() time.Time
}

// DefaultConfig returns limits on, with DefaultRules and no exemptions.
func DefaultConfig() Config { return Config{Enabled: true} }

// Key says what a rule counts by.
type Key int

// What a rule counts by.
const (
	// ByToken counts per access token (user and app-only tokens alike).
	ByToken Key = iota + 1
	// ByAccount counts per signed-in account, across its tokens; requests
	// without a user token do not match.
	ByAccount
	// ByAnonymousIP counts requests without a valid token per client
	// address (IPv6 addresses per /64, as Mastodon does).
	ByAnonymousIP
	// ByIP counts every request per client address (IPv6 per /64).
	ByIP
)

// Rule is one limit: at most Limit requests per Period, counted by Key,
// for the API requests it matches. Windows are aligned to the Unix epoch,
// so a 5-minute window resets at :00, :05, :10, ... as Rack::Attack's do.
type Rule struct {
	// Name identifies the rule in logs and tests.
	Name   string
	Limit  int
	Period time.Duration
	By     Key
	// Routes restricts the rule to these routes, each a gin route pattern
	// with an optional method before it ("DELETE /api/v1/statuses/:id",
	// or "/api/v1/instance" for any method); empty matches every API
	// request.
	Routes []string
}

// DefaultRules are Mastodon's defaults (rack_attack.rb and the statuses
// family of app/lib/rate_limiter.rb):
//
//   - 300 requests per 5 minutes per access token, and 1,500 per account
//     across its tokens;
//   - 300 per 5 minutes per address for requests without a token;
//   - 300 new statuses per 3 hours per account;
//   - 30 media uploads per 30 minutes per account;
//   - 30 deletions (and unreblogs) per 30 minutes per account;
//   - 5 sign-ups per 30 minutes per address.
func DefaultRules() []Rule {
	return []Rule{
		{Name: "token", Limit: 300, Period: 5 * time.Minute, By: ByToken},
		{Name: "account", Limit: 1500, Period: 5 * time.Minute, By: ByAccount},
		{Name: "anonymous", Limit: 300, Period: 5 * time.Minute, By: ByAnonymousIP},
		{Name: "statuses", Limit: 300, Period: 3 * time.Hour, By: ByAccount,
			Routes: []string{"POST /api/v1/statuses"}},
		{Name: "media", Limit: 30, Period: 30 * time.Minute, By: ByAccount,
			Routes: []string{"POST /api/v1/media", "POST /api/v2/media"}},
		{Name: "delete", Limit: 30, Period: 30 * time.Minute, By: ByAccount,
			Routes: []string{"DELETE /api/v1/statuses/:id", "POST /api/v1/statuses/:id/unreblog"}},
		{Name: "sign_up", Limit: 5, Period: 30 * time.Minute, By: ByIP,
			Routes: []string{"POST /api/v1/accounts"}},
	}
}

// Parse reads the ROUNDS_RATE_LIMIT setting:
//
//	on                        limits on (the default)
//	off                       no limits and no rate-limit headers
//	exempt:CIDR[,CIDR...]     limits on, except for clients in these ranges
//
// A bare address in the exempt list stands for itself (/32 or /128), as in
// "exempt:127.0.0.0/8,::1". The words are case-insensitive.
func Parse(s string) (Config, error) {
	v := strings.TrimSpace(s)
	switch strings.ToLower(v) {
	case "on":
		return DefaultConfig(), nil
	case "off":
		return Config{}, nil
	}
	prefix, list, ok := strings.Cut(v, ":")
	if !ok || !strings.EqualFold(strings.TrimSpace(prefix), "exempt") {
		return Config{}, fmt.Errorf("%q must be on, off or exempt:CIDR[,CIDR...]", s)
	}
	c := DefaultConfig()
	for _, p := range strings.Split(list, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		pfx, err := parsePrefix(p)
		if err != nil {
			return Config{}, fmt.Errorf("exempt: %q is not an IP address or CIDR", p)
		}
		c.Exempt = append(c.Exempt, pfx)
	}
	if len(c.Exempt) == 0 {
		return Config{}, fmt.Errorf("%q: exempt: needs at least one CIDR, as in exempt:127.0.0.0/8,::1/128", s)
	}
	return c, nil
}

// parsePrefix reads a CIDR or a single address.
func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96) // clients are compared unmapped
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// String renders the configuration in Parse's syntax (custom rules are
// not shown).
func (c Config) String() string {
	if !c.Enabled {
		return "off"
	}
	if len(c.Exempt) == 0 {
		return "on"
	}
	parts := make([]string, len(c.Exempt))
	for i, p := range c.Exempt {
		parts[i] = p.String()
	}
	return "exempt:" + strings.Join(parts, ",")
}
