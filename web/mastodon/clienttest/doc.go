// Package clienttest holds no code: its tests drive real Mastodon clients,
// Debian's toot 0.34.1 and Mastodon.py 1.8.0 (python3-mastodon), against a
// real Rounds server (webtest.Start) on SQLite and PostgreSQL, and fail
// when a client fails. The Mastodon.py steps are scripts under testdata/.
//
// Without the clients installed the tests are skipped, and fail when CI is
// set (.ci/run installs both). Its external tests may import any Rounds
// package.
package clienttest
