// Package federationtest holds test helpers for federation: fake remote
// actors served from httptest servers on loopback, and keys to sign with.
//
// It is imported by tests only. It may import federation/signature and the
// standard library.
package federationtest
