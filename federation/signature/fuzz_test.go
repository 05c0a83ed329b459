package signature

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-fed/httpsig"
)

// FuzzParse checks the Signature header parser on arbitrary input (seeds:
// testdata/fuzz/FuzzParse, real Mastodon, GoToSocial and Lemmy shapes):
// it never panics; what it accepts re-encodes to a header it parses to the
// same parameters; and go-fed/httpsig, which verifies the re-encoded
// header, reads the same keyId from it, so the two parsers cannot disagree
// about what was signed.
func FuzzParse(f *testing.F) {
	f.Add(mastodonHeader)
	f.Add(gtsHeader)
	f.Fuzz(func(t *testing.T, header string) {
		p, err := Parse(header)
		if err != nil {
			return
		}
		if p.KeyID == "" || p.Signature == "" || len(p.Headers) == 0 {
			t.Fatalf("accepted incomplete parameters %+v", p)
		}
		canonical := p.String()
		again, err := Parse(canonical)
		if err != nil {
			t.Fatalf("re-encoded %q does not parse: %v", canonical, err)
		}
		if !reflect.DeepEqual(again, p) {
			t.Fatalf("round trip changed %+v into %+v", p, again)
		}
		if p.Created != 0 || p.Expires != 0 {
			return // httpsig judges those against the real clock
		}
		r, _ := http.NewRequest(http.MethodGet, "https://rounds.example/users/a", nil)
		r.Header.Set("Signature", canonical)
		hv, err := httpsig.NewVerifier(r)
		if err != nil {
			t.Fatalf("httpsig refuses %q: %v", canonical, err)
		}
		if hv.KeyId() != p.KeyID {
			t.Fatalf("httpsig reads keyId %q, Parse %q", hv.KeyId(), p.KeyID)
		}
	})
}

// fuzzKeys resolves one fixed key.
type fuzzKeys struct{ key *PublicKey }

func (k fuzzKeys) ResolveKey(context.Context, string, bool) (*PublicKey, error) { return k.key, nil }

// FuzzVerify runs the whole verification over arbitrary Signature, Date and
// Digest headers and body: every refusal must be an *Error (which the inbox
// answers with 401), and anything accepted must have a Date in the window
// and a Digest matching the body. The seeds include a genuinely signed
// request, so the accepting path is exercised too.
func FuzzVerify(f *testing.F) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		f.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	keyID := "https://remote.example/users/alice#main-key"
	signer, err := NewSigner(keyID, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})))
	if err != nil {
		f.Fatal(err)
	}
	body := []byte(`{"type":"Create","actor":"https://remote.example/users/alice"}`)
	r, _ := http.NewRequest(http.MethodPost, "https://rounds.example/inbox", nil)
	if err := signer.WithClock(func() time.Time { return now }).SignPost(r, body); err != nil {
		f.Fatal(err)
	}
	f.Add(r.Header.Get("Signature"), r.Header.Get("Date"), r.Header.Get("Digest"), body)
	f.Add(mastodonHeader, now.Format(http.TimeFormat), Digest(nil), []byte{})
	f.Add(gtsHeader, "yesterday", "SHA-256=", []byte("x"))

	v := NewVerifier(fuzzKeys{&PublicKey{ID: keyID, Owner: "https://remote.example/users/alice", Key: &key.PublicKey}},
		Config{Now: func() time.Time { return now }})
	f.Fuzz(func(t *testing.T, sig, date, digest string, body []byte) {
		r, err := http.NewRequest(http.MethodPost, "https://rounds.example/inbox", nil)
		if err != nil {
			t.Fatal(err)
		}
		for name, val := range map[string]string{"Signature": sig, "Date": date, "Digest": digest} {
			if val != "" && !strings.ContainsAny(val, "\r\n") {
				r.Header.Set(name, val)
			}
		}
		res, err := v.Verify(context.Background(), r, body)
		if err != nil {
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("refusal %v (%T) is not a *signature.Error", err, err)
			}
			return
		}
		if res.Owner != "https://remote.example/users/alice" {
			t.Fatalf("accepted with owner %q", res.Owner)
		}
		if d, err := http.ParseTime(date); err != nil || d.Sub(now) > time.Hour || now.Sub(d) > time.Hour {
			t.Fatalf("accepted Date %q", date)
		}
		if checkDigests(r.Header, body) != nil {
			t.Fatalf("accepted a body that does not match Digest %q", digest)
		}
	})
}
