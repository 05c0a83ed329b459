package mastodon

import (
	"strconv"

	"github.com/rounds-md/rounds/core/timeline"
)

// Poll is the Poll entity (docs entities/Poll). Every field is always
// present: voted and own_votes are false and [] for anonymous viewers, an
// option's votes_count is null while the poll hides its totals.
type Poll struct {
	ID          string        `json:"id"`
	ExpiresAt   *Time         `json:"expires_at"`
	Expired     bool          `json:"expired"`
	Multiple    bool          `json:"multiple"`
	VotesCount  int           `json:"votes_count"`
	VotersCount *int          `json:"voters_count"`
	Options     []PollOption  `json:"options"`
	Emojis      []CustomEmoji `json:"emojis"`
	Voted       bool          `json:"voted"`
	OwnVotes    []int         `json:"own_votes"`
}

// PollOption is Poll.options[].
type PollOption struct {
	Title      string `json:"title"`
	VotesCount *int   `json:"votes_count"`
}

// pollEntity renders a poll as its viewer sees it (timeline.ViewPoll).
func pollEntity(p timeline.Poll) Poll {
	voters := p.VotersCount
	out := Poll{
		ID: strconv.FormatInt(p.ID, 10), ExpiresAt: timePtr(p.ExpiresAt), Expired: p.Expired, Multiple: p.Multiple,
		VotesCount: p.VotesCount, VotersCount: &voters, Options: make([]PollOption, len(p.Options)),
		Emojis: []CustomEmoji{}, Voted: p.Voted, OwnVotes: p.OwnVotes,
	}
	for i, o := range p.Options {
		out.Options[i] = PollOption{Title: o.Title}
		if p.ShowTotals {
			n := o.VotesCount
			out.Options[i].VotesCount = &n
		}
	}
	if out.OwnVotes == nil {
		out.OwnVotes = []int{}
	}
	return out
}
