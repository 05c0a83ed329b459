package main

import (
	"strings"
	"testing"
)

// TestPasswordGrantSetting: ROUNDS_PASSWORD_GRANT (--password-grant) is
// on by default, turns off with a boolean, and names itself when wrong.
func TestPasswordGrantSetting(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want bool
		err  string
	}{
		{nil, nil, true, ""},
		{map[string]string{"ROUNDS_PASSWORD_GRANT": "false"}, nil, false, ""},
		{map[string]string{"ROUNDS_PASSWORD_GRANT": "0"}, nil, false, ""},
		{map[string]string{"ROUNDS_PASSWORD_GRANT": "false"}, []string{"--password-grant=true"}, true, ""},
		{map[string]string{"ROUNDS_PASSWORD_GRANT": "maybe"}, nil, false, "ROUNDS_PASSWORD_GRANT"},
	} {
		c, err := loadConfig(t, tc.env, tc.args...)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%v %v: err %v, want one naming %s", tc.env, tc.args, err, tc.err)
			}
			continue
		}
		if err != nil || c.Web.OAuth.PasswordGrant != tc.want {
			t.Errorf("%v %v: PasswordGrant = %v (err %v), want %v", tc.env, tc.args, c.Web.OAuth.PasswordGrant, err, tc.want)
		}
		if c.Web.OAuth.CodeTTL == 0 || c.Web.OAuth.Limits.AccountFailures == 0 {
			t.Errorf("OAuth defaults not filled: %+v", c.Web.OAuth)
		}
	}
}
