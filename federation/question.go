package federation

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/rounds-md/rounds/core/poll"
	"github.com/rounds-md/rounds/federation/sanitize"
	"github.com/rounds-md/rounds/storage"
)

// maxPollOptionRunes caps the title of a received poll option.
const maxPollOptionRunes = 200

// Question is the poll of a received Question, as Mastodon writes one:
// oneOf (one choice) or anyOf (several) Notes, each with a name and a
// replies.totalItems tally, with endTime, closed and votersCount.
type Question struct {
	Multiple    bool
	Options     []string
	Counts      []int
	EndTime     time.Time // zero when it has none
	ClosedAt    time.Time // zero while open, or when closed says only true
	Closed      bool
	VotersCount int
}

// question reads a Question's poll; nil when it has no readable option.
func question(raw rawObject) *Question {
	q := &Question{}
	items := raw["oneOf"]
	if any := bytes.TrimSpace(raw["anyOf"]); len(any) > 0 && !bytes.Equal(any, []byte("null")) {
		items, q.Multiple = any, true
	}
	var many []json.RawMessage
	if json.Unmarshal(items, &many) != nil {
		return nil
	}
	for _, m := range many {
		if len(q.Options) == poll.MaxRemoteOptions {
			break
		}
		var o struct {
			Name    string `json:"name"`
			Replies struct {
				TotalItems int `json:"totalItems"`
			} `json:"replies"`
		}
		if json.Unmarshal(m, &o) != nil {
			continue
		}
		name := strings.TrimSpace(clipRunes(sanitize.Text(o.Name), maxPollOptionRunes))
		if name == "" {
			continue
		}
		q.Options = append(q.Options, name)
		q.Counts = append(q.Counts, max(o.Replies.TotalItems, 0))
	}
	if len(q.Options) == 0 {
		return nil
	}
	q.EndTime = timeOf(raw["endTime"])
	q.ClosedAt = timeOf(raw["closed"])
	_ = json.Unmarshal(raw["closed"], &q.Closed)
	q.Closed = q.Closed || !q.ClosedAt.IsZero()
	_ = json.Unmarshal(raw["votersCount"], &q.VotersCount)
	q.VotersCount = max(q.VotersCount, 0)
	return q
}

// remote is the poll as core/poll stores it at now: it ends at endTime, or
// when it was closed if that came first (now, when closed gives no time).
func (q *Question) remote(now time.Time) poll.Remote {
	r := poll.Remote{Options: q.Options, Counts: q.Counts, Multiple: q.Multiple, VotersCount: q.VotersCount}
	end := q.EndTime
	if q.Closed {
		closed := q.ClosedAt
		if closed.IsZero() {
			closed = now
		}
		if end.IsZero() || closed.Before(end) {
			end = closed
		}
	}
	if !end.IsZero() {
		r.ExpiresAt = &end
	}
	return r
}

// addQuestion makes a Note a Question carrying poll p, as Mastodon renders
// one: its options as Notes under oneOf (anyOf when it takes several
// choices), each with replies.totalItems unless the poll hides its totals
// until its end; endTime; closed once it is over; votersCount.
func addQuestion(doc map[string]any, p *storage.Poll, now time.Time) {
	doc["type"] = "Question"
	show := !p.HideTotals || p.Expired(now)
	opts := make([]any, len(p.Options))
	for i, o := range p.Options {
		opt := map[string]any{"type": "Note", "name": o.Title}
		if show {
			opt["replies"] = map[string]any{"type": "Collection", "totalItems": o.VotesCount}
		}
		opts[i] = opt
	}
	if p.Multiple {
		doc["anyOf"] = opts
	} else {
		doc["oneOf"] = opts
	}
	if p.ExpiresAt != nil {
		doc["endTime"] = xsdTime(*p.ExpiresAt)
	}
	if p.Expired(now) {
		closed := now
		if p.ClosedAt != nil {
			closed = *p.ClosedAt
		} else if p.ExpiresAt != nil {
			closed = *p.ExpiresAt
		}
		doc["closed"] = xsdTime(closed)
	}
	doc["votersCount"] = p.VotersCount
}
