// Package deref fetches ActivityPub documents from other servers, safely:
// an HTTP client that refuses loopback, private, link-local and other
// special-purpose addresses at dial time (so DNS rebinding cannot slip
// past it), follows at most two redirects, caps bodies, checks the
// Content-Type and that a document's id belongs where it was fetched from,
// and signs its GETs with the instance actor's key (authorized fetch).
// On top of it: a WebFinger client, remote actor parsing into
// storage.Account, and Resolver, the remote-actor cache that also resolves
// signature keys for federation/signature.
//
// It may import core (for instance settings), storage,
// federation/signature and federation/sanitize (remote profile notes are
// stored sanitised). It must not import federation itself, which will
// import it.
//
// Wiring, in cmd/rounds: the instance actor's key comes from
// account.Service.InstanceActor, as signature.NewSigner(
// federation.LocalActorURLs(inst, actor).Key, *actor.PrivateKeyPEM);
// AllowPrivateAddresses comes from federation.Config.
package deref
