package federation

import (
	"reflect"
	"testing"
)

func TestCandidates(t *testing.T) {
	for _, tc := range []struct {
		host string
		want []string
	}{
		{"a.b.example.org", []string{"a.b.example.org", "b.example.org", "example.org"}},
		{"example.org", []string{"example.org"}},
		{"Social.Example.ORG:8443", []string{"social.example.org:8443", "social.example.org", "example.org"}},
		{"127.0.0.2:4000", []string{"127.0.0.2:4000", "127.0.0.2"}},
		{"[::1]:80", []string{"[::1]:80", "::1"}},
	} {
		if got := candidates(tc.host); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("candidates(%q) = %v, want %v", tc.host, got, tc.want)
		}
	}
}
