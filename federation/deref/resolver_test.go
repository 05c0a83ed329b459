package deref_test

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rounds-md/rounds/federation/deref"
	"github.com/rounds-md/rounds/federation/federationtest"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const localDomain = "rounds.test"

func newResolver(s *storage.Store, c *clock) *deref.Resolver {
	return deref.NewResolver(s, deref.NewClient(lab, nil), deref.ResolverConfig{LocalDomain: localDomain, Now: c.Now}, slog.New(slog.DiscardHandler))
}

func TestResolve(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		remote := federationtest.NewRemoteActor(t, "alice", federationtest.KeyFragment)
		c := newClock()
		r := newResolver(s, c)
		path := "/users/alice"

		a, err := r.Resolve(ctx, remote.ID())
		if err != nil {
			t.Fatalf("Resolve: %v", err)
		}
		if a.Username != "alice" || a.Domain != remote.Host() || *a.URI != remote.ID() || a.DisplayName != "Dr alice" ||
			*a.InboxURI != remote.ID()+"/inbox" || *a.SharedInboxURI != remote.Server.URL+"/inbox" ||
			*a.PublicKeyURI != remote.KeyID() || !a.Locked || !a.Discoverable || a.Local() {
			t.Fatalf("resolved %+v", a)
		}
		if got := remote.Fetches(path); got != 1 {
			t.Fatalf("%d fetches, want 1", got)
		}

		// Fresh: served from storage.
		b, err := r.Resolve(ctx, remote.ID())
		if err != nil || b.ID != a.ID || remote.Fetches(path) != 1 {
			t.Fatalf("second Resolve: %v, id %d, %d fetches", err, b.ID, remote.Fetches(path))
		}
		// A day later: refetched, same row.
		c.Add(25 * time.Hour)
		b, err = r.Resolve(ctx, remote.ID())
		if err != nil || b.ID != a.ID || remote.Fetches(path) != 2 {
			t.Fatalf("stale Resolve: %v, id %d, %d fetches", err, b.ID, remote.Fetches(path))
		}
		// Refresh always fetches.
		if _, err := r.Refresh(ctx, remote.ID()); err != nil || remote.Fetches(path) != 3 {
			t.Fatalf("Refresh: %v, %d fetches", err, remote.Fetches(path))
		}

		// The server goes away: a stale copy is better than nothing, but
		// a forced refresh reports the failure.
		remote.Server.Close()
		c.Add(25 * time.Hour)
		if b, err := r.Resolve(ctx, remote.ID()); err != nil || b.ID != a.ID {
			t.Fatalf("Resolve with the server down: %v", err)
		}
		if _, err := r.Refresh(ctx, remote.ID()); err == nil {
			t.Fatal("Refresh with the server down succeeded")
		}
	})
}

func TestResolveGone(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		remote := federationtest.NewRemoteActor(t, "alice", federationtest.KeyFragment)
		var gone atomic.Bool
		srv := newServer(t).start(map[string]http.HandlerFunc{"/users/alice": func(w http.ResponseWriter, r *http.Request) {
			if gone.Load() {
				w.WriteHeader(http.StatusGone)
				return
			}
			// alice's document, moved to this server's host.
			doc := remote.Document()
			fixHost(doc, remote.Server.URL, "http://"+r.Host)
			w.Header().Set("Content-Type", "application/activity+json")
			fmt.Fprint(w, mustJSON(t, doc))
		}})
		c := newClock()
		r := newResolver(s, c)
		if _, err := r.Resolve(ctx, srv.URL+"/users/alice"); err != nil {
			t.Fatalf("Resolve: %v", err)
		}
		gone.Store(true)
		c.Add(25 * time.Hour)
		if _, err := r.Resolve(ctx, srv.URL+"/users/alice"); !errors.Is(err, deref.ErrGone) {
			t.Fatalf("Resolve of a deleted actor = %v, want ErrGone", err)
		}
	})
}

func TestResolveRefuses(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		remote := federationtest.NewRemoteActor(t, "alice", federationtest.KeyFragment)
		r := newResolver(s, newClock())
		tests := []struct {
			uri string
			err error
		}{
			{"http://" + localDomain + "/users/alice", deref.ErrLocal},
			{"http://ROUNDS.test/users/alice#main-key", deref.ErrLocal},
			{"ftp://" + remote.Host() + "/users/alice", deref.ErrRefusedURL},
			{remote.ID() + "#main-key", deref.ErrIDMismatch}, // an actor id has no fragment
			{remote.Server.URL + "/users/nobody", deref.ErrNotFound},
		}
		for _, tt := range tests {
			if _, err := r.Resolve(ctx, tt.uri); !errors.Is(err, tt.err) {
				t.Errorf("Resolve(%s) = %v, want %v", tt.uri, err, tt.err)
			}
		}
		if _, err := r.ResolveKey(ctx, "http://"+localDomain+"/users/alice#main-key", false); !errors.Is(err, deref.ErrLocal) {
			t.Errorf("ResolveKey of a local key = %v, want ErrLocal", err)
		}
		if _, err := r.ResolveAcct(ctx, "alice@"+localDomain); !errors.Is(err, deref.ErrLocal) {
			t.Errorf("ResolveAcct of a local account = %v, want ErrLocal", err)
		}
		if n, err := s.ListAccounts(ctx, storage.AccountFilter{}); err != nil || len(n) != 0 {
			t.Fatalf("%d accounts stored after refusals (%v)", len(n), err)
		}
	})
}

func TestResolveKey(t *testing.T) {
	for style, name := range map[federationtest.KeyStyle]string{
		federationtest.KeyFragment: "key in actor", federationtest.KeyDocument: "gotosocial stub",
	} {
		t.Run(name, func(t *testing.T) {
			storagetest.Each(t, func(t *testing.T, s *storage.Store) {
				ctx := context.Background()
				remote := federationtest.NewRemoteActor(t, "alice", style)
				r := newResolver(s, newClock())
				k, err := r.ResolveKey(ctx, remote.KeyID(), false)
				if err != nil {
					t.Fatalf("ResolveKey: %v", err)
				}
				if k.ID != remote.KeyID() || k.Owner != remote.ID() || k.Cached || k.Key == nil {
					t.Fatalf("key %+v", k)
				}
				fetches := remote.Fetches("/users/alice") + remote.Fetches("/users/alice/main-key")
				want := 1
				if style == federationtest.KeyDocument {
					want = 2 // the stub, then its owner
				}
				if fetches != want {
					t.Fatalf("%d fetches, want %d", fetches, want)
				}
				k, err = r.ResolveKey(ctx, remote.KeyID(), false)
				if err != nil || !k.Cached || k.Owner != remote.ID() {
					t.Fatalf("second ResolveKey: %+v, %v", k, err)
				}
				remote.Rotate(t)
				k2, err := r.ResolveKey(ctx, remote.KeyID(), true)
				if err != nil || k2.Cached || k2.Key.(*rsa.PublicKey).Equal(k.Key) {
					t.Fatalf("refreshed key: %+v, %v (want a new key)", k2, err)
				}
			})
		})
	}
}

// TestResolveKeyDocument: a bare key document (type Key, with owner and
// publicKeyPem) whose owner lists it.
func TestResolveKeyDocument(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		owner := federationtest.NewRemoteActor(t, "bob", federationtest.KeyFragment)
		srv := newServer(t)
		keyID := srv.URL + "/keys/1"
		bob := owner.Document()
		fixHost(bob, owner.Server.URL, srv.URL)
		bob["publicKey"].(map[string]any)["id"] = keyID
		srv.start(map[string]http.HandlerFunc{
			"/keys/1": func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`)
				fmt.Fprint(w, mustJSON(t, map[string]any{
					"@context": "https://w3id.org/security/v1", "id": keyID, "type": "Key",
					"owner": srv.URL + "/users/bob", "publicKeyPem": bob["publicKey"].(map[string]any)["publicKeyPem"],
				}))
			},
			"/users/bob": func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/activity+json")
				fmt.Fprint(w, mustJSON(t, bob))
			},
		})
		k, err := newResolver(s, newClock()).ResolveKey(ctx, keyID, false)
		if err != nil {
			t.Fatalf("ResolveKey: %v", err)
		}
		if k.ID != keyID || k.Owner != srv.URL+"/users/bob" || k.Cached {
			t.Fatalf("key %+v", k)
		}
		stored, err := s.RemoteAccountByKeyURI(ctx, keyID)
		if err != nil || *stored.URI != srv.URL+"/users/bob" {
			t.Fatalf("stored owner: %+v, %v", stored, err)
		}
	})
}

func TestResolveKeyOwner(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		other := federationtest.NewRemoteActor(t, "mallory", federationtest.KeyFragment)
		c := newClock()

		// A key document naming an owner on another host.
		foreign := federationtest.NewRemoteActor(t, "alice", federationtest.KeyDocument)
		foreign.SetKeyOwner(other.ID())
		if _, err := newResolver(s, c).ResolveKey(ctx, foreign.KeyID(), false); !errors.Is(err, deref.ErrKeyOwner) {
			t.Errorf("key owned on another host: %v, want ErrKeyOwner", err)
		}

		// A key document whose owner, on the same host, lists another key.
		owner := federationtest.NewRemoteActor(t, "bob", federationtest.KeyFragment)
		srv := newServer(t)
		keyID := srv.URL + "/keys/1"
		bob := owner.Document()
		fixHost(bob, owner.Server.URL, srv.URL)
		srv.start(map[string]http.HandlerFunc{
			"/keys/1": func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/activity+json")
				fmt.Fprint(w, mustJSON(t, map[string]any{
					"id": keyID, "type": "Key", "owner": srv.URL + "/users/bob",
					"publicKeyPem": bob["publicKey"].(map[string]any)["publicKeyPem"],
				}))
			},
			"/users/bob": func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/activity+json")
				fmt.Fprint(w, mustJSON(t, bob))
			},
		})
		if _, err := newResolver(s, c).ResolveKey(ctx, keyID, false); !errors.Is(err, deref.ErrKeyOwner) {
			t.Errorf("owner does not list the key: %v, want ErrKeyOwner", err)
		}

		// The actor at the key id publishes another key.
		if _, err := newResolver(s, c).ResolveKey(ctx, other.ID()+"#other-key", false); !errors.Is(err, deref.ErrKeyNotFound) {
			t.Errorf("unknown key id: %v, want ErrKeyNotFound", err)
		}
		// Nobody listens there.
		if _, err := newResolver(s, c).ResolveKey(ctx, "http://127.0.0.1:1/users/x#main-key", false); err == nil {
			t.Error("key on an unreachable host resolved")
		}
	})
}

func TestResolveAcct(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		remote := federationtest.NewRemoteActor(t, "alice", federationtest.KeyFragment)
		r := newResolver(s, newClock())
		a, err := r.ResolveAcct(ctx, "@"+remote.Acct())
		if err != nil || *a.URI != remote.ID() {
			t.Fatalf("ResolveAcct: %+v, %v", a, err)
		}
		if _, err := r.ResolveAcct(ctx, remote.Acct()); err != nil || remote.Fetches("/.well-known/webfinger") != 1 {
			t.Fatalf("second ResolveAcct: %v, %d WebFinger fetches, want 1", err, remote.Fetches("/.well-known/webfinger"))
		}
	})
}

// fixHost rewrites every string in a document that starts with from to start with to.
func fixHost(doc map[string]any, from, to string) {
	for k, v := range doc {
		switch v := v.(type) {
		case string:
			if strings.HasPrefix(v, from) {
				doc[k] = to + strings.TrimPrefix(v, from)
			}
		case map[string]any:
			fixHost(v, from, to)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Error(err)
	}
	return string(b)
}
