// Package discovery serves the documents by which other servers and
// clients find this instance and its actors: WebFinger
// (/.well-known/webfinger), host-meta (/.well-known/host-meta and
// host-meta.json) and NodeInfo (/.well-known/nodeinfo, /nodeinfo/2.0,
// /nodeinfo/2.1). The documents themselves are built in federation; this
// package parses the request, makes one core or storage call and writes
// the answer.
//
// It may import core, storage, federation and web/httperr.
package discovery
