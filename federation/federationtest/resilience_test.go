package federationtest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/federation/federationtest"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/webtest"
)

// TestReceiverDownGetsThePostLater: deliveries to an instance that is down
// are retried, and arrive once it is back at the same address.
func TestReceiverDownGetsThePostLater(t *testing.T) {
	eachDB(t, func(t *testing.T, d storage.Dialect) {
		a, b := start(t, d, 0), start(t, d, 1)
		alice := a.signIn(t, "alice", false)
		bob := b.signIn(t, "bob", false)
		bob.follow(t, alice)
		eventually(t, "bob to follow alice", func() bool { return bob.relationship(t, alice).Following })

		b.stop(t)
		st := alice.post(t, "while you were down", "public", "")
		eventually(t, "a failed delivery to be recorded", func() bool {
			h, err := a.store.DeliveryHostByName(context.Background(), b.Instance.Domain)
			return err == nil && h.FailingSince != nil
		})

		b2 := b.restart(t)
		bob2 := &user{Account: bob.Account, n: b2, token: bob.token}
		eventually(t, "the post to arrive after bob's instance came back", func() bool { return findURI(bob2.home(t), st.URI) != nil })
		h, err := a.store.DeliveryHostByName(context.Background(), b.Instance.Domain)
		if err != nil || h.FailingSince != nil || h.LastSuccessAt == nil || h.Dead() {
			t.Errorf("host record after recovery: %+v, %v", h, err)
		}
	})
}

// TestRestartedSenderDelivers: a delivery queued by a process that stops
// before sending it is sent by the next process on the same database.
func TestRestartedSenderDelivers(t *testing.T) {
	eachDB(t, func(t *testing.T, d storage.Dialect) {
		a, b := start(t, d, 0, webtest.WithManualJobs()), start(t, d, 1)
		alice := a.signIn(t, "alice", false)
		bob := b.signIn(t, "bob", false)
		bob.follow(t, alice)
		eventually(t, "bob's follow to reach alice's inbox and be accepted", func() bool {
			if _, err := a.Jobs.RunDue(context.Background()); err != nil {
				t.Fatal(err)
			}
			return bob.relationship(t, alice).Following
		})

		st := alice.post(t, "queued before the crash", "public", "")
		counts, err := a.store.JobCounts(context.Background())
		if err != nil || counts["federation.deliver"][storage.JobAvailable] != 1 {
			t.Fatalf("queued deliveries: %v, %v; want one", counts, err)
		}
		a.stop(t)
		if len(storedURIs(t, b)) != 0 {
			t.Fatal("the post arrived although its sender never ran its queue")
		}
		a.restart(t)
		eventually(t, "the restarted sender to deliver", func() bool { return findURI(bob.home(t), st.URI) != nil })
	})
}

// TestAllowlistMode: an instance in allowlist mode federates with listed
// domains and refuses every other one with 403, both at its inbox and in
// its own lookups.
func TestAllowlistMode(t *testing.T) {
	eachDB(t, func(t *testing.T, d storage.Dialect) {
		a := start(t, d, 0, webtest.WithInstance(func(c *instance.Config) { c.FederationMode = instance.FederationAllowlist }))
		b, c := start(t, d, 1), start(t, d, 2)
		if _, err := federation.NewDomains(a.store, a.Instance).Set(context.Background(), b.Instance.Domain, storage.PolicyAllow, true); err != nil {
			t.Fatal(err)
		}
		alice := a.signIn(t, "alice", false)
		bob := b.signIn(t, "bob", false)
		carol := c.signIn(t, "carol", false)

		bob.follow(t, alice)
		eventually(t, "the listed instance's follow to be accepted", func() bool { return bob.relationship(t, alice).Following })

		// The unlisted instance cannot even read alice's actor, and alice
		// cannot look carol up.
		carol.api(t, http.MethodGet, "/api/v1/accounts/lookup?acct="+alice.acct(), nil, 404, nil)
		alice.api(t, http.MethodGet, "/api/v1/accounts/lookup?acct="+carol.acct(), nil, 404, nil)

		// A signed Follow from a server that is not listed: 403, and its
		// key is not even fetched.
		remote := federationtest.NewRemoteActor(t, "mallory", federationtest.KeyFragment)
		res := remote.Post(t, a.URL+"/users/alice/inbox", federationtest.Activity{
			"id": remote.ID() + "#follow/1", "type": "Follow", "actor": remote.ID(), "object": a.URL + "/users/alice",
		})
		if res.Status != http.StatusForbidden || !strings.Contains(res.Body, "error") {
			t.Errorf("follow from an unlisted server: %d %s", res.Status, res.Body)
		}
		if n := remote.Fetches("/users/mallory"); n != 0 {
			t.Errorf("the unlisted server's actor was fetched %d times", n)
		}
		settle(t, a, b, c)
		if r := bob.relationship(t, alice); !r.Following {
			t.Errorf("bob's follow: %+v", r)
		}
	})
}
