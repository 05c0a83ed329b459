package federation

import (
	"slices"

	"github.com/rounds-md/rounds/core/visibility"
)

// Address returns the to and cc of a status as Mastodon addresses it:
// public: to Public, cc the followers and the mentioned; unlisted: to the
// followers, cc Public and the mentioned; private: to the followers, cc
// the mentioned; direct: to the mentioned, cc nobody.
func Address(v visibility.Visibility, followers string, mentioned []string) (to, cc []string) {
	switch v {
	case visibility.Public:
		return []string{PublicCollection}, dedupe(append([]string{followers}, mentioned...))
	case visibility.Unlisted:
		return []string{followers}, dedupe(append([]string{PublicCollection}, mentioned...))
	case visibility.Private:
		return []string{followers}, dedupe(mentioned)
	default:
		return dedupe(mentioned), []string{}
	}
}

// VisibilityOf reads a received status's visibility from its addressing,
// as Mastodon does: Public in to is public, Public in cc unlisted, the
// author's followers collection in to private, anything else direct
// (Mastodon's "limited" is shown to the addressed only, which is direct's
// audience).
func VisibilityOf(to, cc []string, followers string) visibility.Visibility {
	switch {
	case slices.Contains(to, PublicCollection):
		return visibility.Public
	case slices.Contains(cc, PublicCollection):
		return visibility.Unlisted
	case followers != "" && slices.Contains(to, followers):
		return visibility.Private
	}
	return visibility.Direct
}

// dedupe drops empty and repeated entries, keeping the order; never nil.
func dedupe(xs []string) []string {
	out := make([]string, 0, len(xs))
	seen := map[string]bool{}
	for _, x := range xs {
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
