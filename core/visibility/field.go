package visibility

import "slices"

// Audience is who may see one field of a professional profile, as its
// owner chose.
type Audience string

// The four field audiences.
const (
	// AudiencePublic: anyone, signed in or not, here or elsewhere.
	AudiencePublic Audience = "public"
	// AudienceFollowers: the owner's accepted followers, local or remote.
	AudienceFollowers Audience = "followers"
	// AudiencePhysicians: accounts verified as physicians, by this
	// instance or by the instance of a remote account (the verification
	// of a remote account counts only as its own instance's statement).
	AudiencePhysicians Audience = "physicians"
	// AudienceOnlyMe: the owner alone.
	AudienceOnlyMe Audience = "only_me"
)

// Audiences lists the field audiences, widest first.
var Audiences = []Audience{AudiencePublic, AudienceFollowers, AudiencePhysicians, AudienceOnlyMe}

// ParseAudience reads an audience name; ok is false for anything else.
func ParseAudience(s string) (a Audience, ok bool) {
	a = Audience(s)
	return a, slices.Contains(Audiences, a)
}

// String returns the name.
func (a Audience) String() string { return string(a) }

// FieldViewer is who is looking at a profile field: the Viewer of the
// status rules (its relations to the owners at hand) and whether its
// account is a verified physician.
type FieldViewer struct {
	Viewer
	// Physician is set when the viewer's own account carries a verified
	// physician credential: verified by this instance's staff for a local
	// account, stated by the account's own instance for a remote one.
	// Another persona of the same person being verified does not count.
	Physician bool
}

// MaySeeField reports whether v may see a field of ownerID's profile
// whose owner chose audience a. The owner sees every field. Otherwise a
// block in either direction hides every field, the public one included
// (as it hides public statuses); public fields are for everyone else;
// followers fields for accepted followers; physicians fields for verified
// physicians; only_me fields, and any audience value not listed above, for
// the owner alone. Being an admin widens nothing, and audiences do not
// nest: a follower who is not a verified physician does not see a
// physicians field, nor a physician who does not follow a followers one.
func MaySeeField(v FieldViewer, ownerID int64, a Audience) bool {
	if !v.Anonymous() && v.AccountID == ownerID {
		return true
	}
	if v.BlockedBy[ownerID] || v.Blocking[ownerID] {
		return false
	}
	switch a {
	case AudiencePublic:
		return true
	case AudienceFollowers:
		return !v.Anonymous() && v.Following[ownerID]
	case AudiencePhysicians:
		return !v.Anonymous() && v.Physician
	}
	return false
}

// Narrower reports whether audience a shows a field to fewer viewers than
// public does: every audience but public, and unknown values.
func Narrower(a Audience) bool { return a != AudiencePublic }
