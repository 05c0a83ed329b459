package signature

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/go-fed/httpsig"
)

// Signed header lists, in the order Mastodon and GoToSocial sign them.
var (
	getHeaders  = []string{httpsig.RequestTarget, "host", "date"}
	postHeaders = []string{httpsig.RequestTarget, "host", "date", "digest"}
)

// Signer signs outbound requests as one local actor. It is safe for
// concurrent use.
type Signer struct {
	keyID string
	key   *rsa.PrivateKey
	now   func() time.Time
}

// NewSigner returns a Signer for the key with that id (ACTOR#main-key)
// and PEM-encoded private key (core/account's PKCS#8 form).
func NewSigner(keyID, privateKeyPEM string) (*Signer, error) {
	if keyID == "" {
		return nil, errors.New("signature: signer: empty key id")
	}
	key, err := ParsePrivateKeyPEM(privateKeyPEM)
	if err != nil {
		return nil, err
	}
	return &Signer{keyID: keyID, key: key, now: time.Now}, nil
}

// KeyID returns the id of the signing key.
func (s *Signer) KeyID() string { return s.keyID }

// WithClock returns a copy of the Signer that dates requests with now; for tests.
func (s *Signer) WithClock(now func() time.Time) *Signer {
	c := *s
	c.now = now
	return &c
}

// SignGet signs a GET (or HEAD) over (request-target) host date, setting
// the Host and Date headers first. It replaces any earlier signature, so a
// redirected request can be signed again for its new URL.
func (s *Signer) SignGet(r *http.Request) error {
	return s.sign(r, getHeaders, nil)
}

// SignPost signs a POST over (request-target) host date digest, setting
// Host, Date and Digest (SHA-256 of body, which must be the exact bytes
// sent).
func (s *Signer) SignPost(r *http.Request, body []byte) error {
	if body == nil {
		body = []byte{}
	}
	return s.sign(r, postHeaders, body)
}

func (s *Signer) sign(r *http.Request, headers []string, body []byte) error {
	if r.URL == nil || r.URL.Host == "" {
		return errors.New("signature: sign: request URL has no host")
	}
	// go-fed/httpsig documents its signers as single-goroutine; they are
	// cheap, so each request gets its own.
	signer, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256, headers, httpsig.Signature, 0)
	if err != nil {
		return fmt.Errorf("signature: sign: %w", err)
	}
	r.Header.Del("Signature")
	r.Header.Del("Digest")
	// Go sends the Host header from the URL, not from Header; httpsig reads
	// Header, so set it there too (go-fed/activity#147).
	r.Header.Set("Host", r.URL.Host)
	r.Header.Set("Date", s.now().UTC().Format(http.TimeFormat))
	if err := signer.SignRequest(s.key, s.keyID, escapedPath(r), body); err != nil {
		return fmt.Errorf("signature: sign: %w", err)
	}
	return nil
}

// escapedPath returns a shallow copy of r whose URL.Path is the path as it
// goes on the wire: httpsig builds (request-target) from URL.Path, which Go
// keeps decoded. The copy shares r's Header, so what httpsig sets lands on r.
func escapedPath(r *http.Request) *http.Request {
	raw := r.URL.EscapedPath()
	if raw == "" {
		raw = "/" // what Go puts on the request line
	}
	if raw == r.URL.Path {
		return r
	}
	c := *r
	u := *r.URL
	u.Path, u.RawPath = raw, ""
	c.URL = &u
	return &c
}
