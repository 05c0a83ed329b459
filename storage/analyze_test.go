package storage_test

import (
	"context"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestAnalyze: refreshing planner statistics works on both engines and
// leaves the data as it was.
func TestAnalyze(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := &storage.Account{Username: "ana", ActorType: storage.ActorPerson, PublicKeyPEM: "k"}
		if err := s.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := s.Analyze(ctx); err != nil {
			t.Fatalf("Analyze: %v", err)
		}
		if got, err := s.AccountByID(ctx, a.ID); err != nil || got.Username != "ana" {
			t.Fatalf("after Analyze: %v %v", got, err)
		}
	})
}
