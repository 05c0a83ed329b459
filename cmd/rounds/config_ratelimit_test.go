package main

import (
	"strings"
	"testing"
)

// TestRateLimitSetting: ROUNDS_RATE_LIMIT (--rate-limit) is on by default,
// reads off and exempt:CIDR lists, and names itself when wrong.
func TestRateLimitSetting(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string // the Config in Parse's syntax
		err  string
	}{
		{nil, nil, "on", ""},
		{map[string]string{"ROUNDS_RATE_LIMIT": "off"}, nil, "off", ""},
		{map[string]string{"ROUNDS_RATE_LIMIT": "OFF"}, nil, "off", ""},
		{map[string]string{"ROUNDS_RATE_LIMIT": "off"}, []string{"--rate-limit=on"}, "on", ""},
		{map[string]string{"ROUNDS_RATE_LIMIT": "exempt:127.0.0.0/8,::1/128"}, nil, "exempt:127.0.0.0/8,::1/128", ""},
		{map[string]string{"ROUNDS_RATE_LIMIT": "exempt: 10.1.2.3, 192.168.0.0/16"}, nil, "exempt:10.1.2.3/32,192.168.0.0/16", ""},
		{map[string]string{"ROUNDS_RATE_LIMIT": "exempt:10.0.0.300/8"}, nil, "", "ROUNDS_RATE_LIMIT"},
		{map[string]string{"ROUNDS_RATE_LIMIT": "exempt:"}, nil, "", "ROUNDS_RATE_LIMIT"},
		{map[string]string{"ROUNDS_RATE_LIMIT": "127.0.0.0/8"}, nil, "", "ROUNDS_RATE_LIMIT"},
		{map[string]string{"ROUNDS_RATE_LIMIT": "yes"}, nil, "", "ROUNDS_RATE_LIMIT"},
	} {
		c, err := loadConfig(t, tc.env, tc.args...)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%v %v: err %v, want one naming %s", tc.env, tc.args, err, tc.err)
			}
			continue
		}
		if err != nil || c.Web.RateLimit.String() != tc.want {
			t.Errorf("%v %v: rate limit %q (err %v), want %q", tc.env, tc.args, c.Web.RateLimit.String(), err, tc.want)
		}
	}
}
