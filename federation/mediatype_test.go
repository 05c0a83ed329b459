package federation

import "testing"

func TestWantsActivity(t *testing.T) {
	for _, tc := range []struct {
		accept string
		want   bool
	}{
		{"", false},
		{"*/*", false},
		{"text/html", false},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false},
		{"application/json", false},
		{"application/activity+json", true},
		{"application/activity+json; charset=utf-8", true},
		{"APPLICATION/ACTIVITY+JSON", true},
		{`application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, true},
		{`application/ld+json`, true},
		{`application/ld+json; profile="https://example.org/other"`, false},
		{`application/ld+json; profile="https://www.w3.org/ns/activitystreams https://example.org/x"`, true},
		// Mastodon's and go-fed's fetch headers.
		{`application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, true},
		{"application/activity+json, text/html;q=0.1", true},
		{"text/html, application/activity+json;q=0.5", false},
		{"application/activity+json;q=0", false},
		{"application/activity+json;q=bogus", false},
		{";;;, garbage", false},
	} {
		if got := WantsActivity(tc.accept); got != tc.want {
			t.Errorf("WantsActivity(%q) = %v, want %v", tc.accept, got, tc.want)
		}
	}
}
