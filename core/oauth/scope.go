package oauth

import (
	"fmt"
	"slices"
	"strings"
)

// The high-level scopes clients ask for. read, write, admin:read and
// admin:write stand for every granular scope below them (read covers
// read:statuses); follow stands for the follow, block and mute scopes.
const (
	ScopeRead       = "read"
	ScopeWrite      = "write"
	ScopeFollow     = "follow"
	ScopePush       = "push"
	ScopeProfile    = "profile"
	ScopeAdminRead  = "admin:read"
	ScopeAdminWrite = "admin:write"
	// ScopePersonas lets an app list and create the other personas of
	// the sign-in (Rounds). Neither read nor write implies it: an app
	// authorized for one persona must not learn the others unasked.
	ScopePersonas = "rounds:personas"
)

// DefaultScope is what an app or grant gets when it asks for nothing.
const DefaultScope = ScopeRead

// granular lists the scopes below each of read, write and the admin ones,
// as Mastodon documents them (docs api/oauth-scopes.md, 4.6).
var granular = map[string][]string{
	ScopeRead: {"accounts", "blocks", "bookmarks", "collections", "favourites", "filters",
		"follows", "lists", "mutes", "notifications", "search", "statuses"},
	ScopeWrite: {"accounts", "blocks", "bookmarks", "collections", "conversations", "favourites",
		"filters", "follows", "lists", "media", "mutes", "notifications", "reports", "statuses"},
	ScopeAdminRead: {"accounts", "reports", "domain_allows", "domain_blocks", "ip_blocks",
		"email_domain_blocks", "canonical_email_blocks"},
	ScopeAdminWrite: {"accounts", "reports", "domain_allows", "domain_blocks", "ip_blocks",
		"email_domain_blocks", "canonical_email_blocks"},
}

// followImplies are the granular scopes the deprecated follow scope grants.
var followImplies = []string{
	"read:blocks", "read:follows", "read:mutes", "write:blocks", "write:follows", "write:mutes",
}

// known is every scope a client may ask for.
var known = func() map[string]bool {
	m := map[string]bool{ScopeFollow: true, ScopePush: true, ScopeProfile: true, ScopePersonas: true}
	for parent, children := range granular {
		m[parent] = true
		for _, c := range children {
			m[parent+":"+c] = true
		}
	}
	return m
}()

// Supported returns every scope this server knows, high-level ones first,
// for the authorization server metadata.
func Supported() []string {
	out := []string{ScopeRead, ScopeWrite, ScopePush, ScopeFollow, ScopeProfile, ScopeAdminRead, ScopeAdminWrite, ScopePersonas}
	for _, parent := range []string{ScopeRead, ScopeWrite, ScopeAdminRead, ScopeAdminWrite} {
		for _, c := range granular[parent] {
			out = append(out, parent+":"+c)
		}
	}
	return out
}

// Scopes is a list of granted scopes, kept in the order they were asked for
// and without repeats, so that a token response echoes exactly what the
// client requested ("read write follow push").
type Scopes []string

// UnknownScopeError names a scope this server does not know.
type UnknownScopeError struct{ Scope string }

// Error returns a message naming the scope.
func (e *UnknownScopeError) Error() string { return fmt.Sprintf("unknown scope %q", e.Scope) }

// ParseScopes reads a space- or plus-separated scope list (OAuth's scope
// parameter, an app's scopes). An empty list yields DefaultScope; an
// unknown scope is an *UnknownScopeError.
func ParseScopes(s string) (Scopes, error) {
	fields := splitScopes(s)
	if len(fields) == 0 {
		return Scopes{DefaultScope}, nil
	}
	out := make(Scopes, 0, len(fields))
	for _, f := range fields {
		if !known[f] {
			return nil, &UnknownScopeError{Scope: f}
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

// splitScopes splits a scope list on spaces, plus signs and line breaks.
func splitScopes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '+' || r == '\t' || r == '\n' || r == '\r' })
}

// String joins the scopes with spaces, the form OAuth responses and the
// database use.
func (s Scopes) String() string { return strings.Join(s, " ") }

// Has reports whether the scopes grant want, directly or through a scope
// that implies it: read grants read:statuses, admin:read grants
// admin:read:accounts, follow grants write:follows.
func (s Scopes) Has(want string) bool {
	for _, g := range s {
		if Implies(g, want) {
			return true
		}
	}
	return false
}

// HasAny reports whether the scopes grant at least one of want.
func (s Scopes) HasAny(want ...string) bool {
	return slices.ContainsFunc(want, s.Has)
}

// Covers reports whether every scope in other is granted by s, for checking
// that a request asks only for what an app registered.
func (s Scopes) Covers(other Scopes) bool {
	for _, o := range other {
		if !s.Has(o) {
			return false
		}
	}
	return true
}

// Implies reports whether holding scope granted grants scope want.
func Implies(granted, want string) bool {
	if granted == want {
		return true
	}
	if granted == ScopeFollow {
		return slices.Contains(followImplies, want)
	}
	if _, ok := granular[granted]; ok {
		return strings.HasPrefix(want, granted+":") && known[want]
	}
	return false
}
