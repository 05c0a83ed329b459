package visibility

import "slices"

// Visibility is who a status is addressed to.
type Visibility string

// The four visibilities, as Mastodon names them.
const (
	// Public: anyone, and listed on the public timelines.
	Public Visibility = "public"
	// Unlisted: anyone who looks, but never on the public timelines.
	Unlisted Visibility = "unlisted"
	// Private: the author's followers and the accounts it mentions.
	Private Visibility = "private"
	// Direct: the accounts it mentions only.
	Direct Visibility = "direct"
)

// All lists the visibilities from widest to narrowest.
var All = []Visibility{Public, Unlisted, Private, Direct}

// Parse reads a visibility name; ok is false for anything else.
func Parse(s string) (v Visibility, ok bool) {
	v = Visibility(s)
	return v, slices.Contains(All, v)
}

// String returns the name.
func (v Visibility) String() string { return string(v) }

// Post is what the rules need to know about a status.
type Post struct {
	AuthorID   int64
	Visibility Visibility
	// Mentioned are the accounts the status mentions.
	Mentioned []int64
}

// Viewer is who is looking, with their relations to the authors at hand.
// The zero Viewer is anonymous.
type Viewer struct {
	// AccountID is the viewer's account, local or remote; 0 is anonymous.
	AccountID int64
	// Local is set for accounts of this instance. It widens nothing: a
	// remote follower sees what a local follower sees.
	Local bool
	// Admin is set for staff. It widens nothing either: staff do not read
	// others' private or direct posts.
	Admin bool
	// Following holds the authors the viewer follows (accepted follows).
	Following map[int64]bool
	// BlockedBy holds the authors who block the viewer.
	BlockedBy map[int64]bool
	// Blocking holds the authors the viewer blocks.
	Blocking map[int64]bool
}

// Anonymous reports whether nobody is signed in.
func (v Viewer) Anonymous() bool { return v.AccountID == 0 }

// MaySee reports whether v may see p. Public and unlisted: everyone except
// across a block. Private: the author, the author's followers and the
// mentioned. Direct: the author and the mentioned. Any other visibility
// value is seen by its author alone.
func MaySee(v Viewer, p Post) bool {
	if !v.Anonymous() && v.AccountID == p.AuthorID {
		return true
	}
	if v.BlockedBy[p.AuthorID] || v.Blocking[p.AuthorID] {
		return false
	}
	switch p.Visibility {
	case Public, Unlisted:
		return true
	case Private:
		return !v.Anonymous() && (v.Following[p.AuthorID] || slices.Contains(p.Mentioned, v.AccountID))
	case Direct:
		return !v.Anonymous() && slices.Contains(p.Mentioned, v.AccountID)
	}
	return false
}

// Listed reports whether p belongs on the public timelines: only public
// statuses do; unlisted ones never.
func Listed(p Post) bool { return p.Visibility == Public }

// ReachesFollowers reports whether a status of visibility v goes to the
// author's followers' home feeds (and is back-filled when someone starts
// following): public, unlisted and private do; direct goes only to the
// mentioned.
func ReachesFollowers(v Visibility) bool { return v == Public || v == Unlisted || v == Private }

// FollowerVisibilities are the visibilities for which ReachesFollowers holds.
func FollowerVisibilities() []string {
	return []string{string(Public), string(Unlisted), string(Private)}
}
