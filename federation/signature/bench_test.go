package signature_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/rounds-md/rounds/federation/federationtest"
	"github.com/rounds-md/rounds/federation/signature"
)

// benchBody is about the size of a Mastodon Create(Note).
var benchBody = make([]byte, 2048)

// BenchmarkSignPost measures signing one delivery: Digest over the body
// and an RSA-2048 signature.
func BenchmarkSignPost(b *testing.B) {
	key, _ := testKeys(b)
	s, err := signature.NewSigner(aliceKey, federationtest.PrivatePEM(b, key))
	if err != nil {
		b.Fatal(err)
	}
	s = s.WithClock(nowFn)
	for b.Loop() {
		r, _ := http.NewRequest(http.MethodPost, inboxURL, nil)
		if err := s.SignPost(r, benchBody); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyPost measures verifying one delivery with a cached key:
// header parsing, Date window, Digest recomputed, RSA-2048 verification.
func BenchmarkVerifyPost(b *testing.B) {
	key, _ := testKeys(b)
	s, err := signature.NewSigner(aliceKey, federationtest.PrivatePEM(b, key))
	if err != nil {
		b.Fatal(err)
	}
	r, _ := http.NewRequest(http.MethodPost, inboxURL, nil)
	if err := s.WithClock(nowFn).SignPost(r, benchBody); err != nil {
		b.Fatal(err)
	}
	v := signature.NewVerifier(aliceRing(&key.PublicKey, true), signature.Config{Now: nowFn})
	ctx := context.Background()
	for b.Loop() {
		if _, err := v.Verify(ctx, r, benchBody); err != nil {
			b.Fatal(err)
		}
	}
}
