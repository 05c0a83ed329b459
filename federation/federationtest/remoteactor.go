package federationtest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rounds-md/rounds/federation/signature"
)

// KeyStyle says where a fake actor publishes its key.
type KeyStyle int

const (
	// KeyFragment publishes the key inside the actor, at ACTOR#main-key,
	// as Mastodon does.
	KeyFragment KeyStyle = iota
	// KeyDocument publishes it at ACTOR/main-key, served as a stub actor
	// without inbox, as GoToSocial does.
	KeyDocument
)

// RemoteActor is a fake remote server with one actor: its actor document,
// its key and WebFinger, served from an httptest server on 127.0.0.1.
type RemoteActor struct {
	// Server is the fake server; its URL is http://127.0.0.1:PORT.
	Server   *httptest.Server
	username string
	style    KeyStyle

	mu      sync.Mutex
	key     *rsa.PrivateKey
	owner   string // publicKey.owner override, "" for the actor itself
	fetches map[string]int
	extra   map[string]any // SetExtra
	inbox   []Delivery     // what was POSTed to its inboxes (inbox.go)
	beside  []*RemoteActor // other actors on the same server (Beside)
}

// NewRemoteActor starts a fake server for the actor username, closed when
// the test ends.
func NewRemoteActor(t testing.TB, username string, style KeyStyle) *RemoteActor {
	t.Helper()
	a := &RemoteActor{username: username, style: style, key: NewKey(t), fetches: map[string]int{}}
	a.Server = httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(a.Server.Close)
	return a
}

// NewKey returns a fresh RSA-2048 key, the size actors use.
func NewKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("generate key: %v", err)
	}
	return k
}

// PrivatePEM encodes a key as core/account stores private keys (PKCS#8).
func PrivatePEM(t testing.TB, k *rsa.PrivateKey) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatalf("encode key: %v", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// mustPublicPEM encodes an RSA public key, which cannot fail.
func mustPublicPEM(k *rsa.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		panic("federationtest: encode public key: " + err.Error())
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// NewSigner returns a Signer for keyID with a fresh key, and the key.
func NewSigner(t testing.TB, keyID string) (*signature.Signer, *rsa.PrivateKey) {
	t.Helper()
	k := NewKey(t)
	s, err := signature.NewSigner(keyID, PrivatePEM(t, k))
	if err != nil {
		t.Fatalf("signer: %v", err)
	}
	return s, k
}

// Host is the server's host:port.
func (a *RemoteActor) Host() string { return strings.TrimPrefix(a.Server.URL, "http://") }

// ID is the actor's id.
func (a *RemoteActor) ID() string { return a.Server.URL + "/users/" + a.username }

// Acct is the actor's user@host address.
func (a *RemoteActor) Acct() string { return a.username + "@" + a.Host() }

// KeyID is the id of the actor's key.
func (a *RemoteActor) KeyID() string {
	if a.style == KeyDocument {
		return a.ID() + "/main-key"
	}
	return a.ID() + "#main-key"
}

// Signer signs as the actor with its current key.
func (a *RemoteActor) Signer(t testing.TB) *signature.Signer {
	t.Helper()
	a.mu.Lock()
	k := a.key
	a.mu.Unlock()
	s, err := signature.NewSigner(a.KeyID(), PrivatePEM(t, k))
	if err != nil {
		t.Fatalf("signer: %v", err)
	}
	return s
}

// PrivatePEM is the actor's current private key, for signing requests by
// hand with other header lists.
func (a *RemoteActor) PrivatePEM(t testing.TB) string {
	t.Helper()
	a.mu.Lock()
	k := a.key
	a.mu.Unlock()
	return PrivatePEM(t, k)
}

// Rotate replaces the actor's key, as a server does when it regenerates keys.
func (a *RemoteActor) Rotate(t testing.TB) {
	t.Helper()
	k := NewKey(t)
	a.mu.Lock()
	a.key = k
	a.mu.Unlock()
}

// SetKeyOwner makes the published key name another owner ("" restores the
// actor itself): a key that does not belong to the actor.
func (a *RemoteActor) SetKeyOwner(owner string) {
	a.mu.Lock()
	a.owner = owner
	a.mu.Unlock()
}

// SetExtra adds properties to the actor document (extension terms, or
// forged claims), replacing any set before.
func (a *RemoteActor) SetExtra(props map[string]any) {
	a.mu.Lock()
	a.extra = props
	a.mu.Unlock()
}

// Fetches counts the GETs of a path so far.
func (a *RemoteActor) Fetches(path string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.fetches[path]
}

// Document is the actor document, as Mastodon shapes it.
func (a *RemoteActor) Document() map[string]any {
	a.mu.Lock()
	pub, owner, extra := &a.key.PublicKey, a.owner, a.extra
	a.mu.Unlock()
	if owner == "" {
		owner = a.ID()
	}
	id := a.ID()
	doc := map[string]any{
		"@context":                  []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id":                        id,
		"type":                      "Person",
		"preferredUsername":         a.username,
		"name":                      "Dr " + a.username,
		"summary":                   "<p>Cardiologist</p>",
		"inbox":                     id + "/inbox",
		"outbox":                    id + "/outbox",
		"followers":                 id + "/followers",
		"following":                 id + "/following",
		"url":                       a.Server.URL + "/@" + a.username,
		"manuallyApprovesFollowers": true,
		"discoverable":              true,
		"endpoints":                 map[string]any{"sharedInbox": a.Server.URL + "/inbox"},
		"publicKey":                 map[string]any{"id": a.KeyID(), "owner": owner, "publicKeyPem": mustPublicPEM(pub)},
	}
	for k, v := range extra {
		doc[k] = v
	}
	return doc
}

func (a *RemoteActor) serve(w http.ResponseWriter, r *http.Request) {
	if b := a.besideFor(r); b != nil {
		b.serve(w, r)
		return
	}
	if r.Method == http.MethodPost {
		a.receive(w, r)
		return
	}
	a.mu.Lock()
	a.fetches[r.URL.Path]++
	a.mu.Unlock()
	id := a.ID()
	switch r.URL.Path {
	case "/users/" + a.username:
		writeJSON(w, "application/activity+json", a.Document())
	case "/users/" + a.username + "/main-key":
		if a.style != KeyDocument {
			http.NotFound(w, r)
			return
		}
		doc := a.Document()
		// GoToSocial's stub: the actor's id and key, nothing else.
		writeJSON(w, "application/activity+json", map[string]any{
			"@context": doc["@context"], "id": id, "type": "Person",
			"preferredUsername": a.username, "publicKey": doc["publicKey"],
		})
	case "/.well-known/webfinger":
		if r.URL.Query().Get("resource") != "acct:"+a.Acct() {
			http.NotFound(w, r)
			return
		}
		writeJSON(w, "application/jrd+json", map[string]any{
			"subject": "acct:" + a.Acct(),
			"links": []any{
				map[string]any{"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": a.Server.URL + "/@" + a.username},
				map[string]any{"rel": "self", "type": "application/activity+json", "href": id},
			},
		})
	default:
		http.NotFound(w, r)
	}
}

func writeJSON(w http.ResponseWriter, contentType string, v any) {
	w.Header().Set("Content-Type", contentType)
	_ = json.NewEncoder(w).Encode(v)
}

// nowHTTP is the current time as an HTTP date.
func nowHTTP() string { return time.Now().UTC().Format(http.TimeFormat) }
