package signature_test

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-fed/httpsig"

	"github.com/rounds-md/rounds/federation/federationtest"
	"github.com/rounds-md/rounds/federation/signature"
)

const (
	aliceID  = "https://remote.example/users/alice"
	aliceKey = aliceID + "#main-key"
	inboxURL = "https://rounds.example/users/bob/inbox"
)

var (
	keyOnce  sync.Once
	rsaKey   *rsa.PrivateKey
	otherKey *rsa.PrivateKey
)

// testKeys returns two RSA keys, made once per test binary.
func testKeys(t testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey) {
	keyOnce.Do(func() {
		rsaKey = federationtest.NewKey(t)
		otherKey = federationtest.NewKey(t)
	})
	return rsaKey, otherKey
}

// fixedNow is the clock of the unit tests.
var fixedNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func nowFn() time.Time { return fixedNow }

// keyring is a KeyResolver over fixed keys; a refresh serves fresh instead
// of cached when set. It records the refresh flags it was called with.
type keyring struct {
	mu      sync.Mutex
	cached  map[string]*signature.PublicKey
	fresh   map[string]*signature.PublicKey
	calls   []bool
	failing error
}

func (k *keyring) ResolveKey(_ context.Context, keyID string, refresh bool) (*signature.PublicKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.calls = append(k.calls, refresh)
	if k.failing != nil {
		return nil, k.failing
	}
	if refresh && k.fresh[keyID] != nil {
		return k.fresh[keyID], nil
	}
	if pk, ok := k.cached[keyID]; ok {
		return pk, nil
	}
	return nil, errors.New("unknown key")
}

func aliceRing(pub crypto.PublicKey, cached bool) *keyring {
	return &keyring{cached: map[string]*signature.PublicKey{aliceKey: {ID: aliceKey, Owner: aliceID, Key: pub, Cached: cached}}}
}

// signWith signs r the way a given server would: any algorithm, digest
// and header list, with Host and Date set first.
func signWith(t *testing.T, r *http.Request, key crypto.PrivateKey, algo httpsig.Algorithm, dAlgo httpsig.DigestAlgorithm, headers []string, body []byte) {
	t.Helper()
	s, _, err := httpsig.NewSigner([]httpsig.Algorithm{algo}, dAlgo, headers, httpsig.Signature, 0)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Host", r.URL.Host)
	r.Header.Set("Date", fixedNow.Format(http.TimeFormat))
	if err := s.SignRequest(key, aliceKey, r, body); err != nil {
		t.Fatal(err)
	}
}

func newPost(t *testing.T, url string, body []byte) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, url, strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// signPost signs a POST with alice's Rounds signer at fixedNow.
func signPost(t *testing.T, key *rsa.PrivateKey, url string, body []byte) *http.Request {
	t.Helper()
	s, err := signature.NewSigner(aliceKey, federationtest.PrivatePEM(t, key))
	if err != nil {
		t.Fatal(err)
	}
	r := newPost(t, url, body)
	if err := s.WithClock(nowFn).SignPost(r, body); err != nil {
		t.Fatal(err)
	}
	return r
}

func sha256Of(b []byte) []byte {
	s := sha256.Sum256(b)
	return s[:]
}

func TestVerify(t *testing.T) {
	key, other := testKeys(t)
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"type":"Follow","actor":"` + aliceID + `"}`)
	rsaRing := func() *keyring { return aliceRing(&key.PublicKey, false) }
	tests := []struct {
		name string
		ring func() *keyring
		req  func(t *testing.T) (*http.Request, []byte)
		err  error
	}{
		{
			name: "rounds POST", ring: rsaRing,
			req: func(t *testing.T) (*http.Request, []byte) { return signPost(t, key, inboxURL, body), body },
		},
		{
			name: "rounds GET", ring: rsaRing,
			req: func(t *testing.T) (*http.Request, []byte) {
				s, _ := signature.NewSigner(aliceKey, federationtest.PrivatePEM(t, key))
				r, _ := http.NewRequest(http.MethodGet, "https://rounds.example/users/bob", nil)
				if err := s.WithClock(nowFn).SignGet(r); err != nil {
					t.Fatal(err)
				}
				return r, nil
			},
		},
		{
			name: "rsa-sha256 named, Mastodon's header order with content-type", ring: rsaRing,
			req: func(t *testing.T) (*http.Request, []byte) {
				r := newPost(t, inboxURL, body)
				r.Header.Set("Content-Type", "application/activity+json")
				signWith(t, r, key, httpsig.RSA_SHA256, httpsig.DigestSha256, []string{"(request-target)", "host", "date", "digest", "content-type"}, body)
				r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), `algorithm="hs2019"`, `algorithm="rsa-sha256"`, 1))
				return r, body
			},
		},
		{
			name: "RSA-SHA512 under hs2019, SHA-512 digest", ring: rsaRing,
			req: func(t *testing.T) (*http.Request, []byte) {
				r := newPost(t, inboxURL, body)
				signWith(t, r, key, httpsig.RSA_SHA512, httpsig.DigestSha512, []string{"(request-target)", "host", "date", "digest"}, body)
				return r, body
			},
		},
		{
			name: "Ed25519 key",
			ring: func() *keyring { return aliceRing(edKey.Public(), false) },
			req: func(t *testing.T) (*http.Request, []byte) {
				r := newPost(t, inboxURL, body)
				signWith(t, r, edKey, httpsig.ED25519, httpsig.DigestSha256, []string{"(request-target)", "host", "date", "digest"}, body)
				return r, body
			},
		},
		{
			name: "RFC 9530 Content-Digest instead of Digest", ring: rsaRing,
			req: func(t *testing.T) (*http.Request, []byte) {
				r := newPost(t, inboxURL, body)
				r.Header.Set("Content-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sha256Of(body))+":")
				signWith(t, r, key, httpsig.RSA_SHA256, httpsig.DigestSha256, []string{"(request-target)", "host", "date", "content-digest"}, nil)
				return r, body
			},
		},
		{
			name: "signed without the query string, sent with it", ring: rsaRing,
			req: func(t *testing.T) (*http.Request, []byte) {
				r := signPost(t, key, inboxURL, body)
				r.URL.RawQuery = "page=true"
				return r, body
			},
		},
		{
			name: "escaped path", ring: rsaRing,
			req: func(t *testing.T) (*http.Request, []byte) {
				return signPost(t, key, "https://rounds.example/users/%C3%A9mile/inbox", body), body
			},
		},
		{
			name: "no signature", ring: rsaRing, err: signature.ErrMissing,
			req: func(t *testing.T) (*http.Request, []byte) { return newPost(t, inboxURL, body), body },
		},
		{
			name: "two Signature headers", ring: rsaRing, err: signature.ErrMalformed,
			req: func(t *testing.T) (*http.Request, []byte) {
				r := signPost(t, key, inboxURL, body)
				r.Header.Add("Signature", r.Header.Get("Signature"))
				return r, body
			},
		},
		{
			name: "rsa-sha1", ring: rsaRing, err: signature.ErrAlgorithm,
			req: func(t *testing.T) (*http.Request, []byte) {
				r := signPost(t, key, inboxURL, body)
				r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), "hs2019", "rsa-sha1", 1))
				return r, body
			},
		},
		{
			name: "host not signed", ring: rsaRing, err: signature.ErrHeaders,
			req: func(t *testing.T) (*http.Request, []byte) {
				r := newPost(t, inboxURL, body)
				signWith(t, r, key, httpsig.RSA_SHA256, httpsig.DigestSha256, []string{"(request-target)", "date", "digest"}, body)
				return r, body
			},
		},
		{
			name: "digest not signed on POST", ring: rsaRing, err: signature.ErrHeaders,
			req: func(t *testing.T) (*http.Request, []byte) {
				r := newPost(t, inboxURL, body)
				signWith(t, r, key, httpsig.RSA_SHA256, httpsig.DigestSha256, []string{"(request-target)", "host", "date"}, nil)
				r.Header.Set("Digest", signature.Digest(body))
				return r, body
			},
		},
		{
			name: "signed header absent", ring: rsaRing, err: signature.ErrHeaders,
			req: func(t *testing.T) (*http.Request, []byte) {
				r := newPost(t, inboxURL, body)
				r.Header.Set("Accept", "application/activity+json")
				signWith(t, r, key, httpsig.RSA_SHA256, httpsig.DigestSha256, []string{"(request-target)", "host", "date", "digest", "accept"}, body)
				r.Header.Del("Accept")
				return r, body
			},
		},
		{
			name: "two Date headers", ring: rsaRing, err: signature.ErrDate,
			req: func(t *testing.T) (*http.Request, []byte) {
				r := signPost(t, key, inboxURL, body)
				r.Header.Add("Date", fixedNow.Add(-3*time.Hour).Format(http.TimeFormat))
				return r, body
			},
		},
		{
			name: "unreadable Date", ring: rsaRing, err: signature.ErrDate,
			req: func(t *testing.T) (*http.Request, []byte) {
				r := signPost(t, key, inboxURL, body)
				r.Header.Set("Date", "yesterday")
				return r, body
			},
		},
		{
			name: "Digest of no known algorithm", ring: rsaRing, err: signature.ErrDigest,
			req: func(t *testing.T) (*http.Request, []byte) {
				r := signPost(t, key, inboxURL, body)
				r.Header.Set("Digest", "MD5=abc")
				return r, body
			},
		},
		{
			name: "one good and one bad Digest value", ring: rsaRing, err: signature.ErrDigest,
			req: func(t *testing.T) (*http.Request, []byte) {
				r := signPost(t, key, inboxURL, body)
				r.Header.Set("Digest", r.Header.Get("Digest")+",SHA-512=AAAA")
				return r, body
			},
		},
		{
			name: "Content-Digest mismatch beside a good Digest", ring: rsaRing, err: signature.ErrDigest,
			req: func(t *testing.T) (*http.Request, []byte) {
				r := signPost(t, key, inboxURL, body)
				r.Header.Set("Content-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sha256Of([]byte("other")))+":")
				return r, body
			},
		},
		{
			name: "signed by another key", ring: rsaRing, err: signature.ErrInvalid,
			req: func(t *testing.T) (*http.Request, []byte) { return signPost(t, other, inboxURL, body), body },
		},
		{
			name: "signed for another path", ring: rsaRing, err: signature.ErrInvalid,
			req: func(t *testing.T) (*http.Request, []byte) {
				r := signPost(t, key, inboxURL, body)
				r.URL.Path = "/inbox"
				return r, body
			},
		},
		{
			name: "rsa-sha256 named, Ed25519 key",
			ring: func() *keyring { return aliceRing(edKey.Public(), false) }, err: signature.ErrInvalid,
			req: func(t *testing.T) (*http.Request, []byte) {
				r := newPost(t, inboxURL, body)
				signWith(t, r, edKey, httpsig.ED25519, httpsig.DigestSha256, []string{"(request-target)", "host", "date", "digest"}, body)
				r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), "hs2019", "rsa-sha256", 1))
				return r, body
			},
		},
		{
			name: "key unavailable", err: signature.ErrKey,
			ring: func() *keyring { return &keyring{failing: errors.New("connection refused")} },
			req:  func(t *testing.T) (*http.Request, []byte) { return signPost(t, key, inboxURL, body), body },
		},
		{
			name: "key without owner", err: signature.ErrKey,
			ring: func() *keyring {
				return &keyring{cached: map[string]*signature.PublicKey{aliceKey: {ID: aliceKey, Key: &key.PublicKey}}}
			},
			req: func(t *testing.T) (*http.Request, []byte) { return signPost(t, key, inboxURL, body), body },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, b := tt.req(t)
			before := r.Header.Clone()
			v := signature.NewVerifier(tt.ring(), signature.Config{Now: nowFn})
			res, err := v.Verify(context.Background(), r, b)
			if tt.err != nil {
				var se *signature.Error
				if !errors.Is(err, tt.err) || !errors.As(err, &se) {
					t.Fatalf("Verify = %v, want a *signature.Error of kind %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if res.KeyID != aliceKey || res.Owner != aliceID {
				t.Fatalf("result %+v", res)
			}
			if len(r.Header) != len(before) || r.Header.Get("Signature") != before.Get("Signature") {
				t.Fatalf("Verify changed the request's headers: %v", r.Header)
			}
		})
	}
}

func TestVerifyDateWindow(t *testing.T) {
	key, _ := testKeys(t)
	body := []byte(`{}`)
	for _, tt := range []struct {
		skew time.Duration
		ok   bool
	}{
		{0, true}, {59 * time.Minute, true}, {-59 * time.Minute, true},
		{61 * time.Minute, false}, {-61 * time.Minute, false}, {2 * time.Hour, false}, {-2 * time.Hour, false},
	} {
		r := signPost(t, key, inboxURL, body)
		v := signature.NewVerifier(aliceRing(&key.PublicKey, false), signature.Config{Now: func() time.Time { return fixedNow.Add(tt.skew) }})
		_, err := v.Verify(context.Background(), r, body)
		if tt.ok != (err == nil) || (err != nil && !errors.Is(err, signature.ErrDate)) {
			t.Errorf("clock %v from Date: %v, want ok=%v", tt.skew, err, tt.ok)
		}
	}
}

func TestVerifyRefetch(t *testing.T) {
	key, other := testKeys(t)
	body := []byte(`{}`)
	ctx := context.Background()

	// A cached key that fails is refetched once, and the fresh key verifies.
	ring := aliceRing(&other.PublicKey, true)
	ring.fresh = map[string]*signature.PublicKey{aliceKey: {ID: aliceKey, Owner: aliceID, Key: &key.PublicKey}}
	clock := fixedNow
	v := signature.NewVerifier(ring, signature.Config{Now: func() time.Time { return clock }})
	if _, err := v.Verify(ctx, signPost(t, key, inboxURL, body), body); err != nil {
		t.Fatalf("Verify after a refetch: %v", err)
	}
	if len(ring.calls) != 2 || ring.calls[0] || !ring.calls[1] {
		t.Fatalf("resolver calls %v, want [false true]", ring.calls)
	}

	// Within the minute a second forced refetch for the host is refused.
	ring.calls = nil
	if _, err := v.Verify(ctx, signPost(t, key, inboxURL, body), body); !errors.Is(err, signature.ErrInvalid) {
		t.Fatalf("second refetch within a minute: %v, want ErrInvalid", err)
	}
	if len(ring.calls) != 1 {
		t.Fatalf("resolver calls %v, want one cached lookup", ring.calls)
	}
	// A minute later it is allowed again.
	clock = clock.Add(61 * time.Second)
	r := signPost(t, key, inboxURL, body)
	r.Header.Set("Date", clock.Format(http.TimeFormat)) // unsigned change: signature fails, but not on the Date
	ring.calls = nil
	if _, err := v.Verify(ctx, r, body); !errors.Is(err, signature.ErrInvalid) || len(ring.calls) != 2 {
		t.Fatalf("after a minute: %v with calls %v, want a refetch", err, ring.calls)
	}

	// A key just fetched (not cached) is not fetched again.
	fresh := aliceRing(&other.PublicKey, false)
	if _, err := signature.NewVerifier(fresh, signature.Config{Now: nowFn}).Verify(ctx, signPost(t, key, inboxURL, body), body); !errors.Is(err, signature.ErrInvalid) || len(fresh.calls) != 1 {
		t.Fatalf("fresh key: %v with calls %v, want no refetch", err, fresh.calls)
	}
}

func TestCheckActor(t *testing.T) {
	res := &signature.Result{KeyID: aliceKey, Owner: aliceID}
	if err := res.CheckActor(aliceID); err != nil {
		t.Fatalf("own actor: %v", err)
	}
	for _, actor := range []string{"", "https://remote.example/users/mallory", aliceID + "/"} {
		if err := res.CheckActor(actor); !errors.Is(err, signature.ErrOwner) {
			t.Errorf("CheckActor(%q) = %v, want ErrOwner", actor, err)
		}
	}
}
