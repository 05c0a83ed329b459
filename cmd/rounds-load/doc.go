// Command rounds-load seeds a Rounds database and measures a Rounds server
// over HTTP: statuses created per second, home timeline requests per second
// with p50/p99 latency, verify_credentials requests per second, the
// server's idle memory (RSS) and its start-up time to the first served
// request. docs/performance.md records what it measured and how.
//
// It seeds through storage (N accounts, F follows each, M statuses fanned
// out into home feeds, as posting does), then either starts the given
// rounds binary itself on 127.0.0.1 (so it can time start-up and read its
// memory) or measures a server already running on 127.0.0.1. It never
// talks to any other address, bounds its clients, phases and total time,
// and stops by itself (the server it started with it). The measured
// requests go over one kept-alive connection per client, written and read
// without net/http's client (wire.go), so that the tool's own CPU, which
// the server's cores pay for, stays small.
//
// With -phases mixed it also reads home timelines and creates statuses at
// the same time, reporting each: what a reader's page costs while others
// post, which the separate phases do not show.
//
// With -ceiling it then captures the server's answers to the read phases
// and replays them from a second process of its own (ceiling.go: net/http
// and the captured bytes, nothing else), measuring the same phases
// against it: the bound any Go server answering with those bytes meets on
// the same cores.
//
// The server must not rate-limit the tool: when rounds-load starts the
// server it sets ROUNDS_RATE_LIMIT=exempt:127.0.0.0/8,::1/128; a server run
// by hand needs the same setting (or off).
//
// It may import storage, core/account (password hashing) and the standard
// library. It is a separate binary so that the server stays small.
package main
