// Package app builds the core services of one Rounds process, once, wired
// to each other: the one place that decides which post service the API,
// the inbox, the pages and the jobs share, so that no edge can hold a
// copy wired differently (one with a resolver, one without).
//
// The edge towards other servers (federation) needs the core services,
// and the core services need it as their publisher and resolver. The cycle
// is broken in two steps: New builds the graph without it (every service
// working, publishing nothing, resolving only known accounts), and
// Services.Federate attaches it to every service that has a port for it,
// all at once; federation.New calls Federate with the Federator it builds.
//
// It imports the core packages and storage, never web or federation.
package app
