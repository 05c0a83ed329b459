package oauth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
)

// PKCE code challenge methods (RFC 7636).
const (
	PKCES256  = "S256"
	PKCEPlain = "plain"
)

// validPKCEString reports whether s is 43 to 128 characters of the
// unreserved set RFC 7636 allows for verifiers and challenges.
func validPKCEString(s string) bool {
	if len(s) < 43 || len(s) > 128 {
		return false
	}
	for _, r := range s {
		switch {
		case 'A' <= r && r <= 'Z', 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '-', r == '.', r == '_', r == '~':
		default:
			return false
		}
	}
	return true
}

// S256Challenge returns the S256 code challenge of a verifier:
// BASE64URL(SHA256(verifier)) without padding.
func S256Challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// verifyPKCE reports whether verifier answers the challenge made with method.
func verifyPKCE(method, challenge, verifier string) bool {
	if !validPKCEString(verifier) {
		return false
	}
	want := verifier
	if method == PKCES256 {
		want = S256Challenge(verifier)
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) == 1
}
