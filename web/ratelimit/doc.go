// Package ratelimit limits how often clients may call the Mastodon API, as
// Mastodon does (config/initializers/rack_attack.rb and app/lib/rate_limiter.rb):
// fixed windows aligned to the clock, counted per access token, per
// account and, for anonymous requests, per client address; every counted
// response carries X-RateLimit-Limit, X-RateLimit-Remaining and
// X-RateLimit-Reset (an ISO 8601 time), and a request over a limit gets
// 429 {"error":"Too many requests"}.
//
// Counts live in memory in a Limiter that web.New creates: each Rounds
// process keeps its own, so behind a load balancer with n processes a
// client may make up to n times the configured number of requests. That is
// the trade Mastodon's operators make too when Redis is per-host; a shared
// store is not worth a dependency for a limit that exists to stop runaway
// clients, not to meter them.
//
// It may import web/oauth (for who the request is), web/httperr and the
// standard library; nothing imports it but web.
package ratelimit
