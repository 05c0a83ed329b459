package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

func remoteStr(s string) *string { return &s }

func remoteAlice() *storage.Account {
	fetched := time.Now().UTC().Truncate(time.Second)
	return &storage.Account{
		Username: "alice", Domain: "remote.example", ActorType: storage.ActorPerson,
		DisplayName: "Alice", Note: "<p>GP</p>", Locked: true, Discoverable: true,
		PublicKeyPEM: "PEM1", PublicKeyURI: remoteStr("https://remote.example/users/alice#main-key"),
		URI: remoteStr("https://remote.example/users/alice"), URL: remoteStr("https://remote.example/@alice"),
		InboxURI: remoteStr("https://remote.example/users/alice/inbox"), SharedInboxURI: remoteStr("https://remote.example/inbox"),
		FetchedAt: &fetched,
	}
}

func TestUpsertRemoteAccount(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		// A local account of the same name must stay untouched.
		local := &storage.Account{Username: "alice", ActorType: storage.ActorPerson, PublicKeyPEM: "LOCAL"}
		if err := s.CreateAccount(ctx, local); err != nil {
			t.Fatal(err)
		}

		a := remoteAlice()
		if err := s.UpsertRemoteAccount(ctx, a); err != nil {
			t.Fatalf("insert: %v", err)
		}
		if a.ID == 0 || a.CreatedAt.IsZero() {
			t.Fatalf("not reloaded: %+v", a)
		}
		byURI, err := s.RemoteAccountByURI(ctx, "https://remote.example/users/alice")
		if err != nil || byURI.ID != a.ID || !byURI.Locked || *byURI.SharedInboxURI != "https://remote.example/inbox" {
			t.Fatalf("by URI = %+v, %v", byURI, err)
		}
		byKey, err := s.RemoteAccountByKeyURI(ctx, "https://remote.example/users/alice#main-key")
		if err != nil || byKey.ID != a.ID {
			t.Fatalf("by key = %+v, %v", byKey, err)
		}

		// Moderation decided to suspend; a refetch changes the profile and key.
		suspendedAt := time.Now().UTC().Truncate(time.Second)
		if err := s.SetSuspended(ctx, a.ID, &suspendedAt); err != nil {
			t.Fatal(err)
		}
		b := remoteAlice()
		b.DisplayName, b.PublicKeyPEM, b.PublicKeyURI, b.Locked = "Dr Alice", "PEM2", remoteStr("https://remote.example/users/alice#key-2"), false
		if err := s.UpsertRemoteAccount(ctx, b); err != nil {
			t.Fatalf("update: %v", err)
		}
		if b.ID != a.ID || b.DisplayName != "Dr Alice" || b.PublicKeyPEM != "PEM2" || b.Locked || b.SuspendedAt == nil {
			t.Fatalf("after update: id %d (want %d) name %q pem %q locked %v suspended %v", b.ID, a.ID, b.DisplayName, b.PublicKeyPEM, b.Locked, b.SuspendedAt)
		}
		if _, err := s.RemoteAccountByKeyURI(ctx, "https://remote.example/users/alice#main-key"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("old key still found: %v", err)
		}

		got, err := s.AccountByID(ctx, local.ID)
		if err != nil || got.PublicKeyPEM != "LOCAL" || got.URI != nil || got.Domain != "" {
			t.Fatalf("local account changed: %+v, %v", got, err)
		}
		if _, err := s.RemoteAccountByURI(ctx, "https://remote.example/users/nobody"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("unknown URI: %v", err)
		}

		// Another URI with the same username on the same domain conflicts.
		c := remoteAlice()
		c.URI = remoteStr("https://remote.example/people/alice")
		if err := s.UpsertRemoteAccount(ctx, c); !errors.Is(err, storage.ErrConflict) {
			t.Fatalf("username taken by another URI: %v, want ErrConflict", err)
		}
	})
}

func TestUpsertRemoteAccountRefusesLocalShapes(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		noDomain := remoteAlice()
		noDomain.Domain = ""
		noURI := remoteAlice()
		noURI.URI = nil
		withKey := remoteAlice()
		withKey.PrivateKeyPEM = remoteStr("SECRET")
		for name, a := range map[string]*storage.Account{"no domain": noDomain, "no URI": noURI, "private key": withKey} {
			if err := s.UpsertRemoteAccount(ctx, a); err == nil {
				t.Errorf("%s: stored", name)
			}
		}
		if n, err := s.ListAccounts(ctx, storage.AccountFilter{}); err != nil || len(n) != 0 {
			t.Fatalf("accounts after refusals: %d, %v", len(n), err)
		}
	})
}
