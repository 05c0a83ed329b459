package signature_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-fed/httpsig"

	"github.com/rounds-md/rounds/federation/deref"
	"github.com/rounds-md/rounds/federation/federationtest"
	"github.com/rounds-md/rounds/federation/signature"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// clock is a settable test clock shared by the senders, the verifier and
// the actor cache.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

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

// inbox is a Rounds-side test inbox: an http.Handler that checks the
// signature the way the inbox will (Verify, then the activity's actor
// against the key's owner) and records the outcome.
type inbox struct {
	*httptest.Server
	verifier *signature.Verifier

	mu   sync.Mutex
	last error
}

func newInbox(t *testing.T, s *storage.Store, c *clock) *inbox {
	t.Helper()
	in := &inbox{}
	in.Server = httptest.NewUnstartedServer(http.HandlerFunc(in.serve))
	local := in.Listener.Addr().String()
	client := deref.NewClient(deref.Config{AllowPrivateAddresses: true}, nil)
	keys := deref.NewResolver(s, client, deref.ResolverConfig{LocalDomain: local, Now: c.Now}, slog.New(slog.DiscardHandler))
	in.verifier = signature.NewVerifier(keys, signature.Config{Now: c.Now})
	in.Start()
	t.Cleanup(in.Close)
	return in
}

func (in *inbox) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "body", http.StatusRequestEntityTooLarge)
		return
	}
	res, err := in.verifier.Verify(r.Context(), r, body)
	if err == nil && r.Method == http.MethodPost {
		var activity struct {
			Actor string `json:"actor"`
		}
		_ = json.Unmarshal(body, &activity)
		err = res.CheckActor(activity.Actor)
	}
	in.mu.Lock()
	in.last = err
	in.mu.Unlock()
	var se *signature.Error
	switch {
	case errors.As(err, &se):
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": se.Error()})
	case err != nil:
		w.WriteHeader(http.StatusInternalServerError)
	default:
		w.WriteHeader(http.StatusAccepted)
	}
}

// send sends r and returns the status and the verification outcome.
func (in *inbox) send(t *testing.T, r *http.Request) (int, error) {
	t.Helper()
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	defer resp.Body.Close()
	in.mu.Lock()
	defer in.mu.Unlock()
	return resp.StatusCode, in.last
}

func activity(actor string) []byte {
	return []byte(`{"@context":"https://www.w3.org/ns/activitystreams","type":"Follow","actor":"` + actor + `","object":"https://rounds.example/users/bob"}`)
}

func post(t *testing.T, url string, body []byte) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/activity+json")
	return r
}

// TestInbox sends requests signed by a fake remote actor (served from its
// own httptest server, key fetched over HTTP into the actor cache) to an
// inbox handler using Verifier: the good cases pass, every bad one is a
// typed *signature.Error answered with 401.
func TestInbox(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		for style, styleName := range map[federationtest.KeyStyle]string{
			federationtest.KeyFragment: "key in actor", federationtest.KeyDocument: "key document",
		} {
			t.Run(styleName, func(t *testing.T) { testInbox(t, s, style) })
		}
	})
}

func testInbox(t *testing.T, s *storage.Store, style federationtest.KeyStyle) {
	c := &clock{t: time.Now()}
	in := newInbox(t, s, c)
	remote := federationtest.NewRemoteActor(t, "alice"+string(rune('a'+style)), style)
	signer := remote.Signer(t).WithClock(c.Now)
	stranger, _ := federationtest.NewSigner(t, remote.KeyID())
	ghost, _ := federationtest.NewSigner(t, "http://127.0.0.1:1/users/ghost#main-key")
	good := activity(remote.ID())
	target := in.URL + "/users/bob/inbox"

	tests := []struct {
		name string
		req  func(t *testing.T) *http.Request
		err  error // nil: accepted with 202
	}{
		{"good POST", func(t *testing.T) *http.Request {
			r := post(t, target, good)
			must(t, signer.SignPost(r, good))
			return r
		}, nil},
		{"good GET", func(t *testing.T) *http.Request {
			r, _ := http.NewRequest(http.MethodGet, in.URL+"/users/bob/outbox?page=true", nil)
			must(t, signer.SignGet(r))
			return r
		}, nil},
		{"no signature", func(t *testing.T) *http.Request { return post(t, target, good) }, signature.ErrMissing},
		{"wrong key", func(t *testing.T) *http.Request {
			r := post(t, target, good)
			must(t, stranger.WithClock(c.Now).SignPost(r, good))
			return r
		}, signature.ErrInvalid},
		{"stale Date (2 hours)", func(t *testing.T) *http.Request {
			r := post(t, target, good)
			must(t, signer.WithClock(func() time.Time { return c.Now().Add(-2 * time.Hour) }).SignPost(r, good))
			return r
		}, signature.ErrDate},
		{"future Date (2 hours)", func(t *testing.T) *http.Request {
			r := post(t, target, good)
			must(t, signer.WithClock(func() time.Time { return c.Now().Add(2 * time.Hour) }).SignPost(r, good))
			return r
		}, signature.ErrDate},
		{"Digest mismatch", func(t *testing.T) *http.Request {
			r := post(t, target, good)
			must(t, signer.SignPost(r, good))
			r.Header.Set("Digest", signature.Digest([]byte("something else")))
			return r
		}, signature.ErrDigest},
		{"body altered after signing", func(t *testing.T) *http.Request {
			altered := bytes.Replace(good, []byte("Follow"), []byte("Block"), 1)
			r := post(t, target, good)
			must(t, signer.SignPost(r, good))
			r.Body = io.NopCloser(bytes.NewReader(altered))
			r.ContentLength = int64(len(altered))
			return r
		}, signature.ErrDigest},
		{"body and Digest altered after signing", func(t *testing.T) *http.Request {
			altered := bytes.Replace(good, []byte("Follow"), []byte("Block"), 1)
			r := post(t, target, good)
			must(t, signer.SignPost(r, good))
			r.Body = io.NopCloser(bytes.NewReader(altered))
			r.ContentLength = int64(len(altered))
			r.Header.Set("Digest", signature.Digest(altered))
			return r
		}, signature.ErrInvalid},
		{"host missing from the signed headers", func(t *testing.T) *http.Request {
			r := post(t, target, good)
			r.Header.Set("Date", c.Now().UTC().Format(http.TimeFormat))
			hs, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256,
				[]string{"(request-target)", "date", "digest"}, httpsig.Signature, 0)
			must(t, err)
			key, err := signature.ParsePrivateKeyPEM(remote.PrivatePEM(t))
			must(t, err)
			must(t, hs.SignRequest(key, remote.KeyID(), r, good))
			return r
		}, signature.ErrHeaders},
		{"key owner is not the activity's actor", func(t *testing.T) *http.Request {
			forged := activity(strings.Replace(remote.ID(), "/users/", "/users/not-", 1))
			r := post(t, target, forged)
			must(t, signer.SignPost(r, forged))
			return r
		}, signature.ErrOwner},
		{"keyId on an unreachable host", func(t *testing.T) *http.Request {
			r := post(t, target, good)
			must(t, ghost.WithClock(c.Now).SignPost(r, good))
			return r
		}, signature.ErrKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, err := in.send(t, tt.req(t))
			if tt.err == nil {
				if status != http.StatusAccepted || err != nil {
					t.Fatalf("status %d, %v; want 202", status, err)
				}
				return
			}
			var se *signature.Error
			if status != http.StatusUnauthorized || !errors.Is(err, tt.err) || !errors.As(err, &se) {
				t.Fatalf("status %d, %v; want 401 and a *signature.Error of kind %v", status, err, tt.err)
			}
		})
	}
}

// TestInboxKeyRotation: the remote changes its key; the cached key fails,
// one refetch succeeds; a second forced refetch within a minute is refused;
// a minute later it is allowed again.
func TestInboxKeyRotation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		c := &clock{t: time.Now()}
		in := newInbox(t, s, c)
		remote := federationtest.NewRemoteActor(t, "alice", federationtest.KeyFragment)
		body := activity(remote.ID())
		send := func() (int, error) {
			r := post(t, in.URL+"/inbox", body)
			must(t, remote.Signer(t).WithClock(c.Now).SignPost(r, body))
			return in.send(t, r)
		}
		fetches := func() int { return remote.Fetches("/users/alice") }

		if status, err := send(); status != http.StatusAccepted {
			t.Fatalf("first delivery: %d, %v", status, err)
		}
		if status, err := send(); status != http.StatusAccepted || fetches() != 1 {
			t.Fatalf("second delivery: %d, %v, %d fetches (want the cached key)", status, err, fetches())
		}

		remote.Rotate(t)
		if status, err := send(); status != http.StatusAccepted || fetches() != 2 {
			t.Fatalf("after rotation: %d, %v, %d fetches; want 202 after one refetch", status, err, fetches())
		}

		remote.Rotate(t)
		status, err := send()
		if status != http.StatusUnauthorized || !errors.Is(err, signature.ErrInvalid) || fetches() != 2 {
			t.Fatalf("second rotation within a minute: %d, %v, %d fetches; want 401 without a refetch", status, err, fetches())
		}

		c.Add(61 * time.Second)
		if status, err := send(); status != http.StatusAccepted || fetches() != 3 {
			t.Fatalf("a minute later: %d, %v, %d fetches; want 202 after a refetch", status, err, fetches())
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
