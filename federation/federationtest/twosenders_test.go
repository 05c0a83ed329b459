package federationtest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/federation/federationtest"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// TestTwoSendersOnePostgres: two Rounds processes serving one instance
// over one PostgreSQL database (two web servers, two job queues, as two
// `rounds serve` behind one name), both working the delivery queue, send
// every activity exactly once to each follower's inbox. The followers are
// fake servers that count what arrives (a Rounds receiver would hide a
// duplicate behind its own dedupe).
func TestTwoSendersOnePostgres(t *testing.T) {
	cfg := storagetest.Config(t, storage.Postgres) // skips without PostgreSQL (fails under CI)
	open := func() *storage.Store {
		s, err := storage.Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	s1, s2 := open(), open()
	if _, err := s1.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	version := func(v string) webtest.Option {
		return webtest.WithInstance(func(c *instance.Config) { c.Version = v })
	}
	one := startOn(t, s1, "127.0.0.2", webtest.WithManualJobs(), version("0.0.0-one"))
	two := startOn(t, s2, "127.0.0.2", webtest.WithManualJobs(), version("0.0.0-two"), webtest.WithDomain(one.Instance.Domain))
	alice := one.signIn(t, "alice", false)

	// Six remote followers, each on its own server with a shared inbox.
	const followers, posts = 6, 10
	remotes := make([]*federationtest.RemoteActor, followers)
	for i := range remotes {
		r := federationtest.NewRemoteActor(t, fmt.Sprintf("follower%d", i), federationtest.KeyFragment)
		res := r.Post(t, one.URL+"/users/alice/inbox", federationtest.Activity{
			"id": r.ID() + "#follows/1", "type": "Follow", "actor": r.ID(), "object": one.URL + "/users/alice",
		})
		if res.Status != http.StatusAccepted {
			t.Fatalf("follow from %s: %d %s", r.ID(), res.Status, res.Body)
		}
		remotes[i] = r
	}
	eventually(t, "the follows to be accepted", func() bool {
		if _, err := one.Jobs.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		inboxes, err := s1.FollowerInboxes(context.Background(), alice.ID)
		return err == nil && len(inboxes) == followers
	})
	if _, err := one.Jobs.RunDue(context.Background()); err != nil { // the Accepts
		t.Fatal(err)
	}

	// Posts written through both processes queue one delivery per follower
	// host; then both queues start at once on the same backlog.
	for i := 0; i < posts; i++ {
		via := one
		if i%2 == 1 {
			via = two
		}
		via.call(t, alice.token, http.MethodPost, "/api/v1/statuses",
			url.Values{"status": {fmt.Sprintf("Handover note %d", i)}, "visibility": {"public"}}, 200, nil)
	}
	counts, err := s1.JobCounts(context.Background())
	if err != nil || counts["federation.deliver"][storage.JobAvailable] != followers*posts {
		t.Fatalf("queued deliveries: %v, %v; want %d", counts["federation.deliver"], err, followers*posts)
	}
	for _, n := range []*node{one, two} {
		if err := n.Jobs.Start(); err != nil {
			t.Fatal(err)
		}
	}
	settle(t, one, two)

	senders := map[string]int{}
	for _, r := range remotes {
		seen := map[string]int{}
		creates := 0
		for _, d := range r.Deliveries() {
			seen[d.Path+" "+d.ID]++
			if d.Type == "Create" {
				creates++
				senders[d.UserAgent]++
			}
		}
		for k, n := range seen {
			if n != 1 {
				t.Errorf("%s: %s arrived %d times", r.ID(), k, n)
			}
		}
		if creates != posts {
			t.Errorf("%s received %d Creates, want %d", r.ID(), creates, posts)
		}
	}
	// Both processes delivered some of them.
	for _, v := range []string{"0.0.0-one", "0.0.0-two"} {
		found := false
		for ua, n := range senders {
			found = found || (strings.Contains(ua, "Rounds/"+v+" ") && n > 0)
		}
		if !found {
			t.Errorf("process %s delivered nothing: %v", v, senders)
		}
	}
}
