// Package federation is Rounds' edge towards other servers: ActivityPub
// documents (actors, objects, collections), WebFinger, NodeInfo, the inbox
// pipeline and the outbound side (Federator, which implements
// core/outbox.Publisher and hands deliveries to federation/delivery).
//
// It may import core and storage; go-fed and httpsig live only here and
// below. It knows nothing of gin: it renders documents as bytes or serves
// plain net/http handlers that web mounts.
package federation

import (
	"time"

	"github.com/rounds-md/rounds/federation/delivery"
)

// Config holds the federation edge's settings.
type Config struct {
	// AllowPrivateAddresses lets outbound fetches and deliveries reach
	// loopback, private and link-local addresses: for tests and labs only.
	AllowPrivateAddresses bool
	// AuthorizedFetch requires a valid HTTP signature on every GET of an
	// object or collection, and answers unsigned GETs of an actor with a
	// minimal actor (id, type, preferredUsername, inbox, publicKey).
	// cmd/rounds turns it on by default (ROUNDS_AUTHORIZED_FETCH).
	AuthorizedFetch bool
	// Delivery tunes the outbound queue.
	Delivery delivery.Config
	// PollUpdateDelay gathers the votes on a local poll: the Update of its
	// Question goes out at most once per delay; default
	// DefaultPollUpdateDelay.
	PollUpdateDelay time.Duration
}
