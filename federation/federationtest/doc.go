// Package federationtest holds test helpers for federation: fake remote
// actors served from httptest servers on loopback, keys to sign with, and
// signed (or deliberately mis-signed) POSTs to inboxes. Its test files run
// several real Rounds instances against each other (the helpers for that
// are in instances_test.go: the layer rule keeps web/webtest out of this
// package's own code).
//
// It is imported by tests only. It may import federation/signature,
// github.com/go-fed/httpsig and the standard library.
package federationtest
