package oauth

import (
	"errors"
	"slices"
	"testing"
)

func TestParseScopes(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Scopes
		unknown string
	}{
		{"", Scopes{"read"}, ""},
		{"   ", Scopes{"read"}, ""},
		{"read write follow push", Scopes{"read", "write", "follow", "push"}, ""},
		{"read+write+follow", Scopes{"read", "write", "follow"}, ""},
		{"write read", Scopes{"write", "read"}, ""},
		{"read read  write", Scopes{"read", "write"}, ""},
		{"read:statuses write:media profile", Scopes{"read:statuses", "write:media", "profile"}, ""},
		{"admin:read admin:write:accounts", Scopes{"admin:read", "admin:write:accounts"}, ""},
		{"read\nwrite", Scopes{"read", "write"}, ""},
		{"read crypto", nil, "crypto"},
		{"read:everything", nil, "read:everything"},
		{"READ", nil, "READ"},
		{"admin", nil, "admin"},
		{"write:follow", nil, "write:follow"},
	} {
		got, err := ParseScopes(tc.in)
		if tc.unknown != "" {
			var unk *UnknownScopeError
			if !errors.As(err, &unk) || unk.Scope != tc.unknown {
				t.Errorf("ParseScopes(%q) error = %v, want unknown scope %q", tc.in, err, tc.unknown)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("ParseScopes(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestScopesString(t *testing.T) {
	s, err := ParseScopes("read write follow push")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.String(); got != "read write follow push" {
		t.Errorf("String() = %q", got)
	}
}

// TestImplies is the implication table of Mastodon's docs
// (api/oauth-scopes.md): read and write cover their granular scopes,
// follow covers the follow, block and mute scopes, admin:read and
// admin:write theirs; nothing covers upwards.
func TestImplies(t *testing.T) {
	for _, tc := range []struct {
		granted, want string
		ok            bool
	}{
		{"read", "read", true},
		{"read", "read:statuses", true},
		{"read", "read:accounts", true},
		{"read", "read:notifications", true},
		{"read", "write:statuses", false},
		{"read", "write", false},
		{"read", "push", false},
		{"read", "profile", false},
		{"read:statuses", "read", false},
		{"read:statuses", "read:accounts", false},
		{"read:statuses", "read:statuses", true},
		{"write", "write:statuses", true},
		{"write", "write:media", true},
		{"write", "write:conversations", true},
		{"write", "read:statuses", false},
		{"follow", "read:follows", true},
		{"follow", "read:blocks", true},
		{"follow", "read:mutes", true},
		{"follow", "write:follows", true},
		{"follow", "write:blocks", true},
		{"follow", "write:mutes", true},
		{"follow", "read:statuses", false},
		{"follow", "write:statuses", false},
		{"follow", "read", false},
		{"push", "push", true},
		{"push", "read", false},
		{"admin:read", "admin:read:accounts", true},
		{"admin:read", "admin:read:reports", true},
		{"admin:read", "admin:write:accounts", false},
		{"admin:write", "admin:write:domain_blocks", true},
		{"read", "admin:read:accounts", false},
		{"read", "read:nonsense", false},
	} {
		if got := Implies(tc.granted, tc.want); got != tc.ok {
			t.Errorf("Implies(%q, %q) = %v, want %v", tc.granted, tc.want, got, tc.ok)
		}
	}
}

func TestScopesHasAndCovers(t *testing.T) {
	app := Scopes{"read", "write", "follow", "push"}
	for _, tc := range []struct {
		req Scopes
		ok  bool
	}{
		{Scopes{"read"}, true},
		{Scopes{"read", "write", "follow", "push"}, true},
		{Scopes{"read:statuses", "write:media"}, true},
		{Scopes{"admin:read"}, false},
		{Scopes{"read", "profile"}, false},
	} {
		if got := app.Covers(tc.req); got != tc.ok {
			t.Errorf("%v.Covers(%v) = %v, want %v", app, tc.req, got, tc.ok)
		}
	}
	if !(Scopes{"profile"}).HasAny("read:accounts", "profile") {
		t.Error("HasAny should accept the second alternative")
	}
	if (Scopes{"read"}).HasAny("write:statuses", "write") {
		t.Error("read must not grant write")
	}
}

func TestSupportedAreKnown(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Supported() {
		if seen[s] {
			t.Errorf("Supported lists %q twice", s)
		}
		seen[s] = true
		if _, err := ParseScopes(s); err != nil {
			t.Errorf("Supported lists %q, which ParseScopes refuses: %v", s, err)
		}
	}
	for _, want := range []string{"read", "write", "follow", "push", "profile", "admin:read", "admin:write",
		"read:accounts", "read:statuses", "write:media", "write:statuses", "admin:read:accounts"} {
		if !seen[want] {
			t.Errorf("Supported lacks %q", want)
		}
	}
	if len(seen) != len(known) {
		t.Errorf("Supported lists %d scopes, ParseScopes knows %d", len(seen), len(known))
	}
}

func TestValidateRedirectURI(t *testing.T) {
	for _, tc := range []struct {
		uri string
		ok  bool
	}{
		{OOB, true},
		{"https://app.example/callback", true},
		{"http://localhost:4000/cb?x=1", true},
		{"oauth2redirect://com.keylesspalace.tusky/", true},
		{"com.tapbots.Ivory.19300:/request_token/5A8C0B7E-1F2D-4D2B-9A0E-1234567890AB", true},
		{"com.tapbots.IvoryMac.19300:/request_token", true},
		{"https://elk.zone/api/mastodon.social/oauth/https%3A%2F%2Felk.zone", true},
		{"", false},
		{"callback", false},
		{"/relative/path", false},
		{"https://", false},
		{"javascript:alert(1)", false},
		{"JavaScript:alert(1)", false},
		{"data:text/html,hi", false},
		{"vbscript:msgbox", false},
		{"https://app.example/cb#frag", false},
	} {
		err := ValidateRedirectURI(tc.uri)
		if (err == nil) != tc.ok {
			t.Errorf("ValidateRedirectURI(%q) = %v, want ok=%v", tc.uri, err, tc.ok)
		}
	}
}

func TestPKCE(t *testing.T) {
	// RFC 7636 appendix B.
	const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
	if got := S256Challenge(verifier); got != challenge {
		t.Fatalf("S256Challenge = %q, want %q", got, challenge)
	}
	long := "a123456789b123456789c123456789d123456789e123"
	for _, tc := range []struct {
		method, challenge, verifier string
		ok                          bool
	}{
		{PKCES256, challenge, verifier, true},
		{PKCES256, challenge, verifier + "x", false},
		{PKCES256, challenge, challenge, false},
		{PKCEPlain, long, long, true},
		{PKCEPlain, long, long + "4", false},
		{PKCEPlain, "short", "short", false}, // under 43 characters
		{PKCES256, S256Challenge("has space" + long), "has space" + long, false},
	} {
		if got := verifyPKCE(tc.method, tc.challenge, tc.verifier); got != tc.ok {
			t.Errorf("verifyPKCE(%s, %q, %q) = %v, want %v", tc.method, tc.challenge, tc.verifier, got, tc.ok)
		}
	}
}
