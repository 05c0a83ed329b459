package mastodon

import (
	"strconv"

	"github.com/rounds-md/rounds/core/follow"
)

// Relationship is the Relationship entity: how the signed-in account
// stands to another.
type Relationship struct {
	ID                  string    `json:"id"`
	Following           bool      `json:"following"`
	ShowingReblogs      bool      `json:"showing_reblogs"`
	Notifying           bool      `json:"notifying"`
	Languages           *[]string `json:"languages"`
	FollowedBy          bool      `json:"followed_by"`
	Blocking            bool      `json:"blocking"`
	BlockedBy           bool      `json:"blocked_by"`
	Muting              bool      `json:"muting"`
	MutingNotifications bool      `json:"muting_notifications"`
	MutingExpiresAt     *Time     `json:"muting_expires_at"`
	Requested           bool      `json:"requested"`
	RequestedBy         bool      `json:"requested_by"`
	DomainBlocking      bool      `json:"domain_blocking"`
	Endorsed            bool      `json:"endorsed"`
	Note                string    `json:"note"`
}

func relationship(r follow.Relationship) Relationship {
	return Relationship{
		ID: strconv.FormatInt(r.ID, 10), Following: r.Following, ShowingReblogs: r.ShowReblogs || r.Requested,
		Notifying: r.Notifying, FollowedBy: r.FollowedBy, Blocking: r.Blocking, BlockedBy: r.BlockedBy,
		Requested: r.Requested, RequestedBy: r.RequestedBy,
		Muting: r.Muting, MutingNotifications: r.MutingNotifications, MutingExpiresAt: timePtr(r.MutingExpiresAt),
		Note: r.Note,
	}
}
