package deref

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"
)

func testPEM(t *testing.T) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// mastodonActor is shaped like Mastodon's actor documents.
func mastodonActor(pemKey string) map[string]any {
	return map[string]any{
		"@context":                  []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id":                        "https://mastodon.example/users/alice",
		"type":                      "Person",
		"following":                 "https://mastodon.example/users/alice/following",
		"followers":                 "https://mastodon.example/users/alice/followers",
		"inbox":                     "https://mastodon.example/users/alice/inbox",
		"outbox":                    "https://mastodon.example/users/alice/outbox",
		"preferredUsername":         "alice",
		"name":                      "Alice",
		"summary":                   "<p>GP</p>",
		"url":                       "https://mastodon.example/@alice",
		"manuallyApprovesFollowers": false,
		"discoverable":              true,
		"publicKey": map[string]any{
			"id": "https://mastodon.example/users/alice#main-key", "owner": "https://mastodon.example/users/alice", "publicKeyPem": pemKey,
		},
		"endpoints": map[string]any{"sharedInbox": "https://mastodon.example/inbox"},
	}
}

func TestParseActor(t *testing.T) {
	pemKey := testPEM(t)
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		edit   func(m map[string]any)
		http   bool
		err    error
		assert func(t *testing.T, m map[string]any)
	}{
		{name: "mastodon"},
		{
			name: "lemmy group with array type, url link object, locked",
			edit: func(m map[string]any) {
				m["type"] = []any{"Group"}
				m["url"] = []any{map[string]any{"type": "Link", "mediaType": "text/html", "href": "https://mastodon.example/c/alice"}}
				m["manuallyApprovesFollowers"] = true
				delete(m, "discoverable")
			},
		},
		{name: "service is a bot", edit: func(m map[string]any) { m["type"] = "Service" }},
		{name: "inbox as an object with id", edit: func(m map[string]any) {
			m["inbox"] = map[string]any{"id": "https://mastodon.example/users/alice/inbox"}
		}},
		{
			name: "several keys: the one asked for",
			edit: func(m map[string]any) {
				m["publicKey"] = []any{
					map[string]any{"id": "https://mastodon.example/users/alice#other", "owner": "https://mastodon.example/users/alice", "publicKeyPem": pemKey},
					m["publicKey"],
				}
			},
		},
		{name: "note type", edit: func(m map[string]any) { m["type"] = "Note" }, err: ErrNotActor},
		{name: "no inbox", edit: func(m map[string]any) { delete(m, "inbox") }, err: ErrNotActor},
		{name: "javascript inbox", edit: func(m map[string]any) { m["inbox"] = "javascript:alert(1)" }, err: ErrNotActor},
		{name: "no preferredUsername", edit: func(m map[string]any) { delete(m, "preferredUsername") }, err: ErrNotActor},
		{name: "preferredUsername with @", edit: func(m map[string]any) { m["preferredUsername"] = "alice@evil.example" }, err: ErrNotActor},
		{name: "http id without AllowPrivateAddresses", edit: func(m map[string]any) { m["id"] = "http://mastodon.example/users/alice" }, err: ErrNotActor},
		{
			name: "key owned by someone else",
			edit: func(m map[string]any) {
				m["publicKey"].(map[string]any)["owner"] = "https://mastodon.example/users/bob"
			},
			err: ErrNotActor,
		},
		{
			name: "key on another host",
			edit: func(m map[string]any) {
				m["publicKey"].(map[string]any)["id"] = "https://evil.example/keys/1"
			},
			err: ErrNotActor,
		},
		{name: "garbage key", edit: func(m map[string]any) { m["publicKey"].(map[string]any)["publicKeyPem"] = "nope" }, err: ErrNotActor},
		{
			name: "NUL and overlong name",
			edit: func(m map[string]any) { m["name"] = "A\x00" + strings.Repeat("b", 500) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mastodonActor(pemKey)
			if tt.edit != nil {
				tt.edit(m)
			}
			body, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			o, err := decodeObject(body)
			if err != nil {
				t.Fatal(err)
			}
			a, err := parseActor(o, tt.http, "https://mastodon.example/users/alice#main-key", now)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("parseActor = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseActor: %v", err)
			}
			if *a.URI != m["id"] || a.Domain != "mastodon.example" || a.Username != "alice" {
				t.Errorf("identity = %s %s %s", *a.URI, a.Domain, a.Username)
			}
			if *a.InboxURI != "https://mastodon.example/users/alice/inbox" || *a.SharedInboxURI != "https://mastodon.example/inbox" ||
				*a.OutboxURI != "https://mastodon.example/users/alice/outbox" ||
				*a.FollowersURI != "https://mastodon.example/users/alice/followers" ||
				*a.FollowingURI != "https://mastodon.example/users/alice/following" {
				t.Errorf("endpoints = %v %v %v %v %v", *a.InboxURI, *a.SharedInboxURI, *a.OutboxURI, *a.FollowersURI, *a.FollowingURI)
			}
			if *a.PublicKeyURI != "https://mastodon.example/users/alice#main-key" || a.PublicKeyPEM != pemKey {
				t.Errorf("key = %s", *a.PublicKeyURI)
			}
			if a.FetchedAt == nil || !a.FetchedAt.Equal(now) {
				t.Errorf("FetchedAt = %v", a.FetchedAt)
			}
			if strings.ContainsRune(a.DisplayName, 0) || len([]rune(a.DisplayName)) > maxNameRunes {
				t.Errorf("DisplayName not cleaned: %d runes", len([]rune(a.DisplayName)))
			}
			typ := actorType(o.types())
			if a.ActorType != typ || a.Bot != (typ == "Service") {
				t.Errorf("type %s bot %v", a.ActorType, a.Bot)
			}
			locked, _ := m["manuallyApprovesFollowers"].(bool)
			disc, _ := m["discoverable"].(bool)
			if a.Locked != locked || a.Discoverable != disc {
				t.Errorf("locked %v discoverable %v, want %v %v", a.Locked, a.Discoverable, locked, disc)
			}
			if a.URL == nil || !strings.HasPrefix(*a.URL, "https://mastodon.example/") {
				t.Errorf("URL = %v", a.URL)
			}
		})
	}
}
