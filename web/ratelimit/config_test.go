package ratelimit_test

import (
	"net/netip"
	"testing"

	"github.com/rounds-md/rounds/web/ratelimit"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in      string
		enabled bool
		exempt  []string
		err     bool
	}{
		{in: "on", enabled: true},
		{in: " On ", enabled: true},
		{in: "off"},
		{in: "exempt:127.0.0.0/8,::1/128", enabled: true, exempt: []string{"127.0.0.0/8", "::1/128"}},
		{in: "EXEMPT: 10.0.0.5 , 2001:db8::/32", enabled: true, exempt: []string{"10.0.0.5/32", "2001:db8::/32"}},
		{in: "exempt:10.1.2.3/8", enabled: true, exempt: []string{"10.0.0.0/8"}}, // host bits masked
		{in: "exempt:::ffff:10.0.0.1", enabled: true, exempt: []string{"10.0.0.1/32"}},
		{in: "", err: true},
		{in: "true", err: true},
		{in: "exempt:", err: true},
		{in: "exempt:,", err: true},
		{in: "exempt:localhost", err: true},
		{in: "exempt:10.0.0.0/33", err: true},
		{in: "allow:10.0.0.0/8", err: true},
	} {
		c, err := ratelimit.Parse(tc.in)
		if tc.err {
			if err == nil {
				t.Errorf("Parse(%q) = %+v, want an error", tc.in, c)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if c.Enabled != tc.enabled || len(c.Exempt) != len(tc.exempt) {
			t.Errorf("Parse(%q) = %+v, want enabled %v exempt %v", tc.in, c, tc.enabled, tc.exempt)
			continue
		}
		for i, want := range tc.exempt {
			if c.Exempt[i] != netip.MustParsePrefix(want) {
				t.Errorf("Parse(%q) exempt[%d] = %v, want %v", tc.in, i, c.Exempt[i], want)
			}
		}
		// The syntax round-trips.
		if back, err := ratelimit.Parse(c.String()); err != nil || back.String() != c.String() {
			t.Errorf("Parse(%q).String() = %q does not parse back (%v)", tc.in, c.String(), err)
		}
	}
}

func TestExemptMatchesMappedAddresses(t *testing.T) {
	l := ratelimit.New(ratelimit.Config{Enabled: true, Exempt: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	for _, tc := range []struct {
		ip   string
		want bool
	}{{"127.0.0.1", true}, {"::ffff:127.0.0.1", true}, {"128.0.0.1", false}, {"::1", false}} {
		if got := l.Exempt(netip.MustParseAddr(tc.ip)); got != tc.want {
			t.Errorf("Exempt(%s) = %v, want %v", tc.ip, got, tc.want)
		}
	}
}
