package mastodon

import (
	"testing"

	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/storage"
)

func TestInstanceURLsAndVersion(t *testing.T) {
	for _, tc := range []struct {
		protocol, domain, streaming string
	}{
		{"https", "rounds.example", "wss://rounds.example"},
		{"http", "localhost:8080", "ws://localhost:8080"},
	} {
		inst := instance.Config{Domain: tc.domain, Protocol: tc.protocol, Version: "0.1.0", Registrations: instance.RegistrationsClosed}
		v1 := newInstanceV1(inst, storage.Usage{Users: 5, LocalPosts: 9, Domains: 2})
		v2 := newInstanceV2(inst, storage.Usage{ActiveMonth: 3})
		if v1.URLs.StreamingAPI != tc.streaming || v2.Configuration.URLs.Streaming != tc.streaming {
			t.Errorf("%s: streaming = %q, %q, want %q", tc.domain, v1.URLs.StreamingAPI, v2.Configuration.URLs.Streaming, tc.streaming)
		}
		if v1.URI != tc.domain || v2.Domain != tc.domain {
			t.Errorf("uri, domain = %q, %q", v1.URI, v2.Domain)
		}
		if v1.Stats != (InstanceStatsV1{UserCount: 5, StatusCount: 9, DomainCount: 2}) || v2.Usage.Users.ActiveMonth != 3 {
			t.Errorf("stats = %+v, usage = %+v", v1.Stats, v2.Usage)
		}
		// Mastodon.py reads the part before the first space as x.y.z.
		if v := v1.Version; v != "4.3.0 (compatible; Rounds 0.1.0)" || v2.Version != v || v1.Registrations || v2.Registrations.Enabled {
			t.Errorf("version = %q, registrations %v %v", v, v1.Registrations, v2.Registrations.Enabled)
		}
	}
}
