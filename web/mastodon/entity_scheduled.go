package mastodon

import (
	"strconv"

	"github.com/rounds-md/rounds/core/schedule"
)

// ScheduledStatus is the ScheduledStatus entity (docs
// entities/ScheduledStatus). toot tells a scheduled reply from a Status by
// its scheduled_at key.
type ScheduledStatus struct {
	ID               string            `json:"id"`
	ScheduledAt      Time              `json:"scheduled_at"`
	Params           ScheduledParams   `json:"params"`
	MediaAttachments []MediaAttachment `json:"media_attachments"`
}

// ScheduledParams is ScheduledStatus.params: the draft as the client sent
// it, null where it sent nothing.
type ScheduledParams struct {
	Text          string         `json:"text"`
	Poll          *ScheduledPoll `json:"poll"`
	MediaIDs      *[]string      `json:"media_ids"`
	Sensitive     *bool          `json:"sensitive"`
	SpoilerText   *string        `json:"spoiler_text"`
	Visibility    *string        `json:"visibility"`
	InReplyToID   *string        `json:"in_reply_to_id"`
	Language      *string        `json:"language"`
	ApplicationID *string        `json:"application_id"`
	ScheduledAt   *Time          `json:"scheduled_at"`
	Idempotency   *string        `json:"idempotency"`
	WithRateLimit bool           `json:"with_rate_limit"`
}

// ScheduledPoll is ScheduledStatus.params.poll.
type ScheduledPoll struct {
	Options    []string `json:"options"`
	ExpiresIn  int64    `json:"expires_in"`
	Multiple   bool     `json:"multiple"`
	HideTotals bool     `json:"hide_totals"`
}

// scheduledStatus renders a scheduled status.
func (h *Handler) scheduledStatus(s schedule.Scheduled) ScheduledStatus {
	d := s.Draft
	str := func(v string) *string {
		if v == "" {
			return nil
		}
		return &v
	}
	out := ScheduledStatus{
		ID: strconv.FormatInt(s.ID, 10), ScheduledAt: Time(s.ScheduledAt), MediaAttachments: make([]MediaAttachment, 0, len(s.Media)),
		Params: ScheduledParams{
			Text: d.Text, Sensitive: d.Sensitive, SpoilerText: str(d.SpoilerText), Visibility: str(d.Visibility),
			Language: str(d.Language), Idempotency: str(d.IdempotencyKey),
		},
	}
	if len(d.MediaIDs) > 0 {
		ids := d.MediaIDs
		out.Params.MediaIDs = &ids
	}
	if d.InReplyToID != 0 {
		out.Params.InReplyToID = str(strconv.FormatInt(d.InReplyToID, 10))
	}
	if d.ApplicationID != nil {
		out.Params.ApplicationID = str(strconv.FormatInt(*d.ApplicationID, 10))
	}
	if s.Poll != nil {
		out.Params.Poll = &ScheduledPoll{Options: s.Poll.Options, ExpiresIn: int64(s.Poll.ExpiresIn.Seconds()),
			Multiple: s.Poll.Multiple, HideTotals: s.Poll.HideTotals}
	}
	for i := range s.Media {
		out.MediaAttachments = append(out.MediaAttachments, h.mediaAttachment(&s.Media[i]))
	}
	return out
}
