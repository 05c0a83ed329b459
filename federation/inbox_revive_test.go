package federation_test

import (
	"context"
	"testing"
	"time"

	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/federation/federationtest"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// TestSignedRequestRevivesHost: a signed activity from a host this
// instance had marked dead clears the mark, and each activity is queued
// once (the dedupe row and the job are written together).
func TestSignedRequestRevivesHost(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		srv := webtest.Start(t, s, webtest.WithManualJobs(), webtest.WithPrivateAddresses(),
			webtest.WithFederation(func(c *federation.Config) { c.AuthorizedFetch = true }))
		srv.CreateAccount(t, "bob")
		bobURI := srv.URL + "/users/bob"
		remote := federationtest.NewRemoteActor(t, "alice", federationtest.KeyFragment)
		if _, err := s.RecordDeliveryFailure(ctx, remote.Host(), time.Now().Add(-time.Hour), 0); err != nil {
			t.Fatal(err)
		}
		if h, err := s.DeliveryHostByName(ctx, remote.Host()); err != nil || !h.Dead() {
			t.Fatalf("host before: %+v, %v", h, err)
		}
		act := createNote(remote, bobURI)
		for i := 0; i < 2; i++ {
			if res := remote.Post(t, srv.URL+"/inbox", act); res.Status != 202 {
				t.Fatalf("post %d: %d %s", i, res.Status, res.Body)
			}
		}
		h, err := s.DeliveryHostByName(ctx, remote.Host())
		if err != nil || h.Dead() || h.FailingSince != nil {
			t.Errorf("host after a signed request: %+v, %v", h, err)
		}
		if n := inboxJobs(t, s); n != 1 {
			t.Errorf("%d jobs queued for one activity sent twice", n)
		}
	})
}
