package delivery_test

import (
	"context"
	"testing"
	"time"

	"github.com/rounds-md/rounds/federation/delivery"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestHealthyHostChecks: a process remembers a healthy host for a few
// seconds instead of reading its policy and record for every delivery,
// and writes its successes at most once a minute; yet a failure mark
// written by another process is cleared by the next success after those
// seconds, and a domain block stops deliveries within them.
func TestHealthyHostChecks(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		c := &clock{t: time.Now().Truncate(time.Second)}
		in := newInbox(t)
		p := policy{}
		snd := newSender(t, s, c, p, deliveryTestConfig(), nil)
		lastSuccess := func() time.Time {
			t.Helper()
			h, err := s.DeliveryHostByName(ctx, host(in))
			if err != nil || h.LastSuccessAt == nil {
				t.Fatalf("host record: %+v, %v", h, err)
			}
			return *h.LastSuccessAt
		}
		deliver := func(id string) {
			t.Helper()
			snd.send(t, in.URL+"/inbox", id)
			snd.runDue(t)
			if in.count(id) != 1 {
				t.Fatalf("%s delivered %d times", id, in.count(id))
			}
		}

		t0 := c.Now()
		deliver("first")
		if !lastSuccess().Equal(t0) {
			t.Fatalf("first success recorded at %v, want %v", lastSuccess(), t0)
		}
		c.Add(10 * time.Second)
		deliver("second")
		if !lastSuccess().Equal(t0) {
			t.Errorf("a second success within a minute was written (%v)", lastSuccess())
		}
		c.Add(time.Minute)
		deliver("third")
		if !lastSuccess().Equal(c.Now()) {
			t.Errorf("a success a minute later was not written: %v, want %v", lastSuccess(), c.Now())
		}

		// Another process saw the host fail: the next success here, once
		// the host is checked again, clears the mark.
		if _, err := s.RecordDeliveryFailure(ctx, host(in), c.Now(), 72*time.Hour); err != nil {
			t.Fatal(err)
		}
		c.Add(6 * time.Second)
		deliver("after another process's failure")
		if h, err := s.DeliveryHostByName(ctx, host(in)); err != nil || h.FailingSince != nil {
			t.Errorf("the failure mark survived a success: %+v, %v", h, err)
		}

		// A block is seen within seconds.
		p[host(in)] = true
		c.Add(6 * time.Second)
		snd.send(t, in.URL+"/inbox", "blocked")
		snd.runDue(t)
		if in.count("blocked") != 0 || jobsIn(t, s)[storage.JobDiscarded] != 1 {
			t.Errorf("after a domain block: %d deliveries, jobs %v", in.count("blocked"), jobsIn(t, s))
		}
	})
}

// deliveryTestConfig retries after a minute at least, so that nothing
// retried runs while a test moves its clock by seconds.
func deliveryTestConfig() delivery.Config {
	return delivery.Config{MinBackoff: time.Minute, MaxBackoff: time.Hour}
}
