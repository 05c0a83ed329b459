package signature

import (
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
)

// Digest returns the Digest header value (RFC 3230) Mastodon expects for
// body: "SHA-256=" and the base64 SHA-256.
func Digest(body []byte) string {
	sum := sha256.Sum256(body)
	return "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
}

// checkDigests compares every Digest (RFC 3230: "SHA-256=b64", several
// comma-separated) and Content-Digest (RFC 9530: "sha-256=:b64:") the
// request carries with body. Each header present must name SHA-256 or
// SHA-512 and every such value must match; other algorithms are ignored,
// as Mastodon ignores them.
func checkDigests(h http.Header, body []byte) error {
	if vals := h.Values("Digest"); len(vals) > 0 {
		if err := checkDigestList("Digest", strings.Join(vals, ","), body, false); err != nil {
			return err
		}
	}
	if vals := h.Values("Content-Digest"); len(vals) > 0 {
		if err := checkDigestList("Content-Digest", strings.Join(vals, ","), body, true); err != nil {
			return err
		}
	}
	return nil
}

// checkDigestList checks one header's comma-separated algorithm=value list;
// structured says the values are RFC 8941 byte sequences (":b64:").
func checkDigestList(header, list string, body []byte, structured bool) error {
	known := 0
	for _, item := range strings.Split(list, ",") {
		algo, val, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok {
			return refuse(ErrDigest, "malformed %s", header)
		}
		var sum []byte
		switch strings.ToLower(strings.TrimSpace(algo)) {
		case "sha-256":
			s := sha256.Sum256(body)
			sum = s[:]
		case "sha-512":
			s := sha512.Sum512(body)
			sum = s[:]
		default:
			continue
		}
		known++
		val = strings.TrimSpace(val)
		if structured {
			if len(val) < 2 || val[0] != ':' || val[len(val)-1] != ':' {
				return refuse(ErrDigest, "%s value is not a byte sequence", header)
			}
			val = val[1 : len(val)-1]
		}
		got, err := base64.StdEncoding.DecodeString(val)
		if err != nil {
			return refuse(ErrDigest, "%s value is not base64", header)
		}
		if subtle.ConstantTimeCompare(got, sum) != 1 {
			return refuse(ErrDigest, "%s does not match the body", header)
		}
	}
	if known == 0 {
		return refuse(ErrDigest, "%s names neither SHA-256 nor SHA-512", header)
	}
	return nil
}
