// Package federation is Rounds' edge towards other servers: ActivityPub
// documents (actors, objects, collections), WebFinger, NodeInfo, and later
// the inbox pipeline and HTTP signatures.
//
// It may import core and storage; go-fed and httpsig live only here and
// below. It knows nothing of gin: it renders documents as bytes or serves
// plain net/http handlers that web mounts.
package federation

// Config holds the federation edge's settings.
type Config struct {
	// AllowPrivateAddresses lets outbound fetches and deliveries reach
	// loopback, private and link-local addresses: for tests and labs only.
	AllowPrivateAddresses bool
}
