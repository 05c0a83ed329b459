package activitypub_test

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"mime"
	"net/http"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

const (
	asAccept = "application/activity+json"
	ldAccept = `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`
	// mastodonAccept is the Accept header Mastodon sends when it fetches.
	mastodonAccept = `application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"`
	browserAccept  = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
)

// get fetches url with an Accept header and returns the response with its
// body read.
func get(t *testing.T, u, accept string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

func mediaType(t *testing.T, res *http.Response) string {
	t.Helper()
	mt, _, err := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type %q: %v", res.Header.Get("Content-Type"), err)
	}
	return mt
}

// noPrivateKey fails the test when body holds any part of a's private key.
func noPrivateKey(t *testing.T, body []byte, a *storage.Account) {
	t.Helper()
	if a.PrivateKeyPEM == nil {
		t.Fatal("account has no private key to look for")
	}
	if strings.Contains(string(body), "PRIVATE KEY") {
		t.Fatalf("response holds a private key: %s", body)
	}
	for _, line := range strings.Split(*a.PrivateKeyPEM, "\n") {
		if len(line) > 20 && strings.Contains(string(body), line) {
			t.Fatalf("response holds a line of the private key")
		}
	}
}

// checkKey checks that the served PEM is the public half of a's private key.
func checkKey(t *testing.T, servedPEM string, a *storage.Account) {
	t.Helper()
	pb, _ := pem.Decode([]byte(servedPEM))
	if pb == nil {
		t.Fatalf("publicKeyPem is not PEM: %q", servedPEM)
	}
	pub, err := x509.ParsePKIXPublicKey(pb.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := pem.Decode([]byte(*a.PrivateKeyPEM))
	priv, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !priv.(*rsa.PrivateKey).PublicKey.Equal(pub) {
		t.Error("publicKeyPem is not the account's public key")
	}
}

func TestUserActor(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		ctx := context.Background()
		if _, err := srv.Accounts.Create(ctx, account.NewAccount{
			Username: "Alice", Email: "alice@example.org", Password: webtest.Password,
			DisplayName: "Dr <Alice> & co", Locked: true, Approved: true, Confirmed: true,
		}); err != nil {
			t.Fatal(err)
		}
		stored, err := s.AccountByUsername(ctx, "alice", "")
		if err != nil {
			t.Fatal(err)
		}
		id := srv.URL + "/users/Alice"

		for _, tc := range []struct{ path, accept string }{
			{"/users/Alice", asAccept},
			{"/users/Alice", ldAccept},
			{"/users/Alice", mastodonAccept},
			{"/users/alice", asAccept}, // usernames match without case
			{"/users/ALICE", ldAccept},
		} {
			res, body := get(t, srv.URL+tc.path, tc.accept)
			if res.StatusCode != 200 {
				t.Fatalf("GET %s (%s) = %d %s", tc.path, tc.accept, res.StatusCode, body)
			}
			if mt := mediaType(t, res); mt != "application/activity+json" {
				t.Errorf("Content-Type = %s", mt)
			}
			if res.Header.Get("Vary") != "Accept" {
				t.Errorf("Vary = %q", res.Header.Get("Vary"))
			}
			noPrivateKey(t, body, stored)
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				t.Fatal(err)
			}
			for k, want := range map[string]any{
				"id": id, "type": "Person", "preferredUsername": "Alice", "name": "Dr <Alice> & co",
				"summary": "", "inbox": id + "/inbox", "outbox": id + "/outbox",
				"followers": id + "/followers", "following": id + "/following",
				"url": srv.URL + "/@Alice", "manuallyApprovesFollowers": true, "discoverable": true,
				"published": stored.CreatedAt.UTC().Format("2006-01-02") + "T00:00:00Z",
			} {
				if m[k] != want {
					t.Errorf("%s = %#v, want %#v", k, m[k], want)
				}
			}
			if ep, _ := m["endpoints"].(map[string]any); ep["sharedInbox"] != srv.URL+"/inbox" {
				t.Errorf("endpoints = %#v", m["endpoints"])
			}
			pk, _ := m["publicKey"].(map[string]any)
			if pk["id"] != id+"#main-key" || pk["owner"] != id {
				t.Errorf("publicKey = %#v", pk)
			}
			pemText, _ := pk["publicKeyPem"].(string)
			checkKey(t, pemText, stored)
			ctxList, _ := m["@context"].([]any)
			if len(ctxList) < 3 || ctxList[0] != "https://www.w3.org/ns/activitystreams" || ctxList[1] != "https://w3id.org/security/v1" {
				t.Errorf("@context = %#v", m["@context"])
			}
			if strings.Contains(string(body), `"http://joinmastodon.org/ns"`) {
				t.Error("@context names the bare toot namespace")
			}
		}
	})
}

func TestUserActorErrors(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		ctx := context.Background()
		carol := srv.CreateAccount(t, "carol")
		if err := srv.Accounts.SetSuspended(ctx, "carol", true); err != nil {
			t.Fatal(err)
		}

		// Unknown accounts, and the instance actor under /users/, are 404.
		for _, name := range []string{"nobody", srv.Instance.Host(), "a%2Fb"} {
			res, body := get(t, srv.URL+"/users/"+name, asAccept)
			if res.StatusCode != 404 || !strings.Contains(string(body), `"error"`) {
				t.Errorf("GET /users/%s = %d %s", name, res.StatusCode, body)
			}
		}

		// A suspended account is a Tombstone with 410.
		res, body := get(t, srv.URL+"/users/carol", mastodonAccept)
		if res.StatusCode != 410 || mediaType(t, res) != "application/activity+json" {
			t.Fatalf("suspended: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		noPrivateKey(t, body, carol)
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		if m["type"] != "Tombstone" || m["id"] != srv.URL+"/users/carol" || m["formerType"] != "Person" ||
			m["@context"] != "https://www.w3.org/ns/activitystreams" || m["deleted"] == nil {
			t.Errorf("tombstone = %s", body)
		}
		if _, ok := m["publicKey"]; ok {
			t.Error("tombstone carries the key")
		}

		// Unsuspended, the actor is back.
		if err := srv.Accounts.SetSuspended(ctx, "carol", false); err != nil {
			t.Fatal(err)
		}
		if res, _ := get(t, srv.URL+"/users/carol", asAccept); res.StatusCode != 200 {
			t.Errorf("unsuspended: %d", res.StatusCode)
		}
	})
}

func TestUserBrowser(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := srv.CreateAccount(t, "alice")
		srv.CreateAccount(t, "carol")
		if err := srv.Accounts.SetSuspended(context.Background(), "carol", true); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			path, accept string
			status       int
		}{
			{"/users/alice", browserAccept, 200},
			{"/users/alice", "", 200},
			{"/users/alice", "*/*", 200},
			{"/users/alice", "application/json", 200},
			{"/users/carol", browserAccept, 410},
			{"/users/nobody", browserAccept, 404},
		} {
			res, body := get(t, srv.URL+tc.path, tc.accept)
			if res.StatusCode != tc.status || mediaType(t, res) != "text/html" {
				t.Errorf("GET %s (%q) = %d %s", tc.path, tc.accept, res.StatusCode, res.Header.Get("Content-Type"))
				continue
			}
			if res.Header.Get("Vary") != "Accept" {
				t.Errorf("GET %s: Vary = %q", tc.path, res.Header.Get("Vary"))
			}
			if tc.status == 200 {
				noPrivateKey(t, body, alice)
				if !strings.Contains(string(body), `<link rel="alternate" type="application/activity+json" href="`+srv.URL+`/users/alice">`) {
					t.Errorf("GET %s: no alternate link in %s", tc.path, body)
				}
			}
		}
	})
}

func TestInstanceActor(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		stored, err := srv.Accounts.InstanceActor(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, accept := range []string{asAccept, mastodonAccept, ""} {
			res, body := get(t, srv.URL+"/actor", accept)
			if res.StatusCode != 200 || mediaType(t, res) != "application/activity+json" {
				t.Fatalf("GET /actor (%q) = %d %s", accept, res.StatusCode, body)
			}
			noPrivateKey(t, body, stored)
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				t.Fatal(err)
			}
			id := srv.URL + "/actor"
			for k, want := range map[string]any{
				"id": id, "type": "Application", "preferredUsername": srv.Instance.Host(),
				"inbox": id + "/inbox", "manuallyApprovesFollowers": true,
			} {
				if m[k] != want {
					t.Errorf("%s = %#v, want %#v", k, m[k], want)
				}
			}
			pk, _ := m["publicKey"].(map[string]any)
			if pk["id"] != id+"#main-key" || pk["owner"] != id {
				t.Errorf("publicKey = %#v", pk)
			}
			pemText, _ := pk["publicKeyPem"].(string)
			checkKey(t, pemText, stored)
		}
	})
}
