package webtest

import (
	"time"

	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/federation/delivery"
)

// defaultFederation is a test instance's federation: authorized fetch off
// (so that tests may fetch documents unsigned; WithFederation turns it
// on), private addresses refused, delivery retries within a second or
// two instead of minutes, and poll updates sent 200 ms after a vote
// rather than a minute.
func defaultFederation() federation.Config {
	return federation.Config{
		Delivery:        delivery.Config{MinBackoff: 100 * time.Millisecond, MaxBackoff: 2 * time.Second},
		PollUpdateDelay: 200 * time.Millisecond,
	}
}

// WithFederation edits the federation configuration.
func WithFederation(fn func(*federation.Config)) Option { return func(c *config) { fn(&c.fed) } }

// WithPrivateAddresses lets the instance fetch from and deliver to
// loopback and private addresses, as several test instances on 127.0.0.x
// need (ROUNDS_ALLOW_PRIVATE_ADDRESSES).
func WithPrivateAddresses() Option {
	return func(c *config) { c.fed.AllowPrivateAddresses = true }
}

// WithAddress makes the server listen on exactly addr (host:port), so
// that a test can stop an instance and start it again at the same domain.
func WithAddress(addr string) Option { return func(c *config) { c.addr = addr } }

// WithDomain makes the server answer as the instance at domain (host:port)
// while listening on its own address, as a second `rounds serve` process
// behind the same name does: start it over the first one's database and
// both work one job queue.
func WithDomain(domain string) Option { return func(c *config) { c.domain = domain } }
