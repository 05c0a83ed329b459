package signature_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/go-fed/httpsig"

	"github.com/rounds-md/rounds/federation/signature"
)

// TestVerifyCreated: a signature over (created) instead of date is
// accepted within the same window as a Date, as Mastodon accepts it; one
// created too long ago, or past its (expires), is refused; one signing
// neither date nor (created) is refused. (go-fed/httpsig stamps (created)
// with the real clock, so the verifier's clock is the real one moved.)
func TestVerifyCreated(t *testing.T) {
	key, _ := testKeys(t)
	body := []byte(`{}`)
	withCreated := []string{"(request-target)", "host", "(created)", "digest"}
	for _, tt := range []struct {
		name    string
		headers []string
		clock   time.Duration
		err     error
	}{
		{"(created) instead of date", withCreated, 0, nil},
		{"(created) two hours old", withCreated, 2 * time.Hour, signature.ErrDate},
		{"(created) and (expires)", []string{"(request-target)", "host", "(created)", "(expires)", "digest"}, 0, nil},
		{"past its (expires)", []string{"(request-target)", "host", "(created)", "(expires)", "digest"}, 10 * time.Minute, signature.ErrDate},
		{"neither date nor (created)", []string{"(request-target)", "host", "digest"}, 0, signature.ErrHeaders},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256, tt.headers, httpsig.Signature, 300)
			if err != nil {
				t.Fatal(err)
			}
			r := newPost(t, inboxURL, body)
			r.Header.Set("Host", r.URL.Host)
			if err := s.SignRequest(key, aliceKey, r, body); err != nil {
				t.Fatal(err)
			}
			v := signature.NewVerifier(aliceRing(&key.PublicKey, false), signature.Config{Now: func() time.Time { return time.Now().Add(tt.clock) }})
			_, err = v.Verify(context.Background(), r, body)
			if tt.err == nil && err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if tt.err != nil && !errors.Is(err, tt.err) {
				t.Fatalf("Verify = %v, want %v", err, tt.err)
			}
			if tt.err == nil && r.Header.Get("Date") != "" {
				t.Fatalf("the request carried a Date: %v", r.Header)
			}
		})
	}
}
