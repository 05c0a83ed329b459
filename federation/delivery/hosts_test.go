package delivery_test

import (
	"context"
	"sync"
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

// racingPolicy allows a host once, then blocks it as if the block had
// been written while the first answer was on its way, calling
// ForgetHosts as the Federator's Domains do.
type racingPolicy struct {
	mu      sync.Mutex
	svc     *delivery.Service
	blocked bool
}

func (p *racingPolicy) AllowedHost(context.Context, string) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.blocked {
		return false, nil
	}
	p.blocked = true
	p.svc.ForgetHosts()
	return true, nil
}

// TestForgetHostsStopsDeliveries: after ForgetHosts (a domain policy
// change in this process) deliveries to a host found healthy a moment
// before check it again and end without a request when it is blocked;
// and an attempt whose check raced with the change checks again before
// sending.
func TestForgetHostsStopsDeliveries(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		c := &clock{t: time.Now().Truncate(time.Second)}
		in := newInbox(t)
		p := policy{}
		snd := newSender(t, s, c, p, deliveryTestConfig(), nil)
		snd.send(t, in.URL+"/inbox", "healthy")
		snd.runDue(t)
		if in.count("healthy") != 1 {
			t.Fatalf("first delivery: %d", in.count("healthy"))
		}
		snd.send(t, in.URL+"/inbox", "queued")
		p[host(in)] = true
		snd.svc.ForgetHosts() // no clock change: the host was checked within the TTL
		snd.runDue(t)
		if in.count("queued") != 0 || jobsIn(t, s)[storage.JobDiscarded] != 1 {
			t.Errorf("after ForgetHosts: %d deliveries, jobs %v", in.count("queued"), jobsIn(t, s))
		}

		racing := &racingPolicy{}
		other := newInbox(t)
		snd2 := newSender(t, s, c, racing, deliveryTestConfig(), snd.account)
		racing.svc = snd2.svc
		snd2.send(t, other.URL+"/inbox", "raced")
		snd2.runDue(t)
		if other.count("raced") != 0 || jobsIn(t, s)[storage.JobDiscarded] != 2 {
			t.Errorf("a check that raced with a block: %d deliveries, jobs %v", other.count("raced"), jobsIn(t, s))
		}
	})
}
