package federation

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
)

const testPublicKey = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n"

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("invalid JSON %s: %v", b, err)
	}
	return m
}

func TestActorPerson(t *testing.T) {
	priv := "-----BEGIN PRIVATE KEY-----\nSECRETSECRET\n-----END PRIVATE KEY-----\n"
	a := &storage.Account{
		Username: "alice", ActorType: storage.ActorPerson, DisplayName: "Dr <Alice>",
		Note: "Radiologist & teacher.\nLine two\n\nSecond paragraph", Locked: true, Discoverable: true,
		PublicKeyPEM: testPublicKey, PrivateKeyPEM: &priv,
		CreatedAt: time.Date(2026, 3, 4, 15, 16, 17, 0, time.UTC),
	}
	b, err := Actor(testInstance, a)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "PRIVATE") || strings.Contains(string(b), "SECRETSECRET") {
		t.Fatalf("actor document holds the private key: %s", b)
	}
	m := decode(t, b)
	id := "https://rounds.example:8443/users/alice"
	for k, want := range map[string]any{
		"id": id, "type": "Person", "preferredUsername": "alice", "name": "Dr <Alice>",
		"summary":                   "<p>Radiologist &amp; teacher.<br />Line two</p><p>Second paragraph</p>",
		"inbox":                     id + "/inbox",
		"outbox":                    id + "/outbox",
		"followers":                 id + "/followers",
		"following":                 id + "/following",
		"url":                       "https://rounds.example:8443/@alice",
		"published":                 "2026-03-04T00:00:00Z",
		"manuallyApprovesFollowers": true,
		"discoverable":              true,
		"indexable":                 false,
	} {
		if m[k] != want {
			t.Errorf("%s = %#v, want %#v", k, m[k], want)
		}
	}
	if ep, _ := m["endpoints"].(map[string]any); ep["sharedInbox"] != "https://rounds.example:8443/inbox" {
		t.Errorf("endpoints = %#v", m["endpoints"])
	}
	pk, _ := m["publicKey"].(map[string]any)
	if pk["id"] != id+"#main-key" || pk["owner"] != id || pk["publicKeyPem"] != testPublicKey {
		t.Errorf("publicKey = %#v", m["publicKey"])
	}
	checkActorContext(t, m["@context"])
}

// checkActorContext checks a Mastodon-shaped @context: the AS and security
// contexts as strings, the extension terms inline, no bare toot namespace.
func checkActorContext(t *testing.T, ctx any) {
	t.Helper()
	list, ok := ctx.([]any)
	if !ok || len(list) != 3 {
		t.Fatalf("@context = %#v, want a list of three", ctx)
	}
	if list[0] != "https://www.w3.org/ns/activitystreams" || list[1] != "https://w3id.org/security/v1" {
		t.Errorf("@context starts %#v %#v", list[0], list[1])
	}
	terms, _ := list[2].(map[string]any)
	for k, want := range map[string]string{
		"manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
		"toot":                      "http://joinmastodon.org/ns#",
		"discoverable":              "toot:discoverable",
		"indexable":                 "toot:indexable",
		"schema":                    "http://schema.org#",
		"PropertyValue":             "schema:PropertyValue",
		"value":                     "schema:value",
	} {
		if terms[k] != want {
			t.Errorf("@context[%s] = %#v, want %q", k, terms[k], want)
		}
	}
}

func TestActorTypes(t *testing.T) {
	for _, tc := range []struct {
		name string
		a    storage.Account
		typ  string
	}{
		{"bot", storage.Account{Username: "robot", ActorType: storage.ActorPerson, Bot: true}, "Service"},
		{"group", storage.Account{Username: "cardiology", ActorType: storage.ActorGroup}, "Group"},
		{"service", storage.Account{Username: "consults", ActorType: storage.ActorService}, "Service"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.a.PublicKeyPEM = testPublicKey
			b, err := Actor(testInstance, &tc.a)
			if err != nil {
				t.Fatal(err)
			}
			m := decode(t, b)
			if m["type"] != tc.typ || m["id"] != "https://rounds.example:8443/users/"+tc.a.Username {
				t.Errorf("type, id = %v, %v", m["type"], m["id"])
			}
			if m["manuallyApprovesFollowers"] != false {
				t.Errorf("manuallyApprovesFollowers = %v", m["manuallyApprovesFollowers"])
			}
		})
	}
	if _, err := Actor(testInstance, &storage.Account{Username: "x", ActorType: "Organization"}); err == nil {
		t.Error("Actor of an unknown type succeeded")
	}
	if _, err := Actor(testInstance, &storage.Account{Username: "x", Domain: "other.example", ActorType: "Person"}); err == nil {
		t.Error("Actor of a remote account succeeded")
	}
}

func TestActorInstance(t *testing.T) {
	priv := "-----BEGIN PRIVATE KEY-----\nINSTANCESECRET\n-----END PRIVATE KEY-----\n"
	a := &storage.Account{Username: "rounds.example", ActorType: storage.ActorApplication, Locked: true,
		PublicKeyPEM: testPublicKey, PrivateKeyPEM: &priv}
	b, err := Actor(testInstance, a)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "INSTANCESECRET") {
		t.Fatal("instance actor document holds its private key")
	}
	m := decode(t, b)
	id := "https://rounds.example:8443/actor"
	for k, want := range map[string]any{
		"id": id, "type": "Application", "preferredUsername": "rounds.example",
		"inbox": id + "/inbox", "outbox": id + "/outbox", "manuallyApprovesFollowers": true,
	} {
		if m[k] != want {
			t.Errorf("%s = %#v, want %#v", k, m[k], want)
		}
	}
	for _, k := range []string{"followers", "following", "url", "summary", "discoverable", "indexable"} {
		if _, ok := m[k]; ok {
			t.Errorf("instance actor has %s", k)
		}
	}
	if pk, _ := m["publicKey"].(map[string]any); pk["id"] != id+"#main-key" || pk["owner"] != id {
		t.Errorf("publicKey = %#v", m["publicKey"])
	}
	checkActorContext(t, m["@context"])
}

func TestActorTombstone(t *testing.T) {
	at := time.Date(2026, 11, 2, 10, 11, 12, 999, time.UTC)
	b, err := ActorTombstone(testInstance, &storage.Account{Username: "alice", ActorType: storage.ActorPerson, SuspendedAt: &at})
	if err != nil {
		t.Fatal(err)
	}
	m := decode(t, b)
	for k, want := range map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams", "type": "Tombstone",
		"id": "https://rounds.example:8443/users/alice", "formerType": "Person", "deleted": "2026-11-02T10:11:12Z",
	} {
		if m[k] != want {
			t.Errorf("%s = %#v, want %#v", k, m[k], want)
		}
	}
}

func TestNoteHTML(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"  \n\n ", ""},
		{"plain", "<p>plain</p>"},
		{`<script>alert("x")</script>`, "<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</p>"},
		{"a\r\nb", "<p>a<br />b</p>"},
		{"a\n\n\n\nb", "<p>a</p><p>b</p>"},
	} {
		if got := NoteHTML(tc.in); got != tc.want {
			t.Errorf("NoteHTML(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
