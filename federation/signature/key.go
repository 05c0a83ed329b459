package signature

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
)

// PublicKey is a remote actor's verification key as its server published it.
type PublicKey struct {
	// ID is the key id (the keyId of signatures made with it).
	ID string
	// Owner is the id of the actor the key belongs to, checked by the
	// resolver to list the key back.
	Owner string
	// Key is an *rsa.PublicKey or an ed25519.PublicKey.
	Key crypto.PublicKey
	// Cached is true when the key came from a cache rather than from a
	// fetch made for this call: only then is refetching it worth a try.
	Cached bool
}

// KeyResolver finds the public key a keyId names. The remote-actor cache
// (federation/deref) implements it: it accepts keys embedded in an actor
// (ACTOR#main-key) and separate key documents with an owner (GoToSocial's
// ACTOR/main-key), and checks that the owner actor lists the key.
type KeyResolver interface {
	// ResolveKey returns the key with that id. With refresh it bypasses
	// every cache and fetches the key again.
	ResolveKey(ctx context.Context, keyID string, refresh bool) (*PublicKey, error)
}

// ParsePublicKeyPEM reads a PKIX ("PUBLIC KEY", what ActivityPub servers
// publish) or PKCS#1 ("RSA PUBLIC KEY") PEM block holding an RSA or
// Ed25519 key.
func ParsePublicKeyPEM(s string) (crypto.PublicKey, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("signature: public key: no PEM block")
	}
	switch block.Type {
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("signature: public key: %w", err)
		}
		switch k := k.(type) {
		case *rsa.PublicKey, ed25519.PublicKey:
			return k, nil
		}
		return nil, fmt.Errorf("signature: public key: unsupported key type %T", k)
	case "RSA PUBLIC KEY":
		k, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("signature: public key: %w", err)
		}
		return k, nil
	}
	return nil, fmt.Errorf("signature: public key: unexpected PEM type %q", block.Type)
}

// ParsePrivateKeyPEM reads the RSA private key of a local actor: PKCS#8
// ("PRIVATE KEY", as core/account stores it) or PKCS#1 ("RSA PRIVATE KEY").
func ParsePrivateKeyPEM(s string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("signature: private key: no PEM block")
	}
	switch block.Type {
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("signature: private key: %w", err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("signature: private key: %T is not an RSA key", k)
		}
		return rk, nil
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("signature: private key: %w", err)
		}
		return k, nil
	}
	return nil, fmt.Errorf("signature: private key: unexpected PEM type %q", block.Type)
}
