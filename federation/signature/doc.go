// Package signature signs and verifies the HTTP signatures that carry
// identity between ActivityPub servers: draft-cavage-http-signatures-12 as
// Mastodon and GoToSocial use it (keyId, algorithm "hs2019", RSA-SHA256),
// with the checks go-fed/httpsig v1.1.0 leaves to its caller: a required
// set of signed headers, a Date window, and the Digest (or RFC 9530
// Content-Digest) recomputed over the body.
//
// Signer signs outbound GETs and POSTs; Verifier checks inbound requests
// and returns the key id and the key's owner. Keys are looked up through
// KeyResolver, which the remote-actor cache in federation/deref implements.
// Every refusal is an *Error, which the inbox answers with 401.
//
// It may import the standard library and github.com/go-fed/httpsig; it
// knows nothing of storage, core or gin.
package signature
