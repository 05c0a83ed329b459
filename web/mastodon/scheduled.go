package mastodon

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/poll"
	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// scheduledPage is the scheduled statuses' limit: 20, at most 40.
var scheduledPage = pageSize{20, 40}

// scheduleStatus answers POST /api/v1/statuses with scheduled_at
// (methods/statuses#create): the ScheduledStatus instead of a Status.
func (h *Handler) scheduleStatus(c *gin.Context, raw string, d post.Draft, pd *poll.Draft) {
	at, err := parseTime(raw)
	if err != nil {
		h.fail(c, err)
		return
	}
	s, err := h.Scheduled.Schedule(c.Request.Context(), viewer(c), d, pd, at)
	if err != nil {
		h.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, h.scheduledStatus(*s))
}

// timeLayouts are the ISO 8601 forms clients send scheduled_at in; one
// without a zone is UTC, as in Rails.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05.999999999Z0700", "2006-01-02 15:04:05.999999999"}

// parseTime reads a scheduled_at value.
func parseTime(raw string) (time.Time, error) {
	raw = strings.TrimSpace(raw)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, raw); err == nil {
			return t, nil
		}
	}
	return time.Time{}, core.Invalid("Scheduled at", "is not a valid date and time")
}

// scheduledStatuses serves GET /api/v1/scheduled_statuses
// (methods/scheduled_statuses#get), paged by ID.
func (x *more) scheduledStatuses(c *gin.Context) {
	p, ok := x.bindOr(c)
	if !ok {
		return
	}
	list, err := x.Scheduled.List(c.Request.Context(), viewer(c), p.page(scheduledPage))
	if err != nil {
		x.fail(c, err)
		return
	}
	out := make([]ScheduledStatus, len(list))
	for i, s := range list {
		out[i] = x.scheduledStatus(s)
	}
	if len(list) > 0 {
		x.setLink(c, list[len(list)-1].ID, list[0].ID)
	}
	jsonbody.Write(c, http.StatusOK, out)
}

// getScheduledStatus serves GET /api/v1/scheduled_statuses/:id
// (methods/scheduled_statuses#get-one): the author's only.
func (x *more) getScheduledStatus(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	s, err := x.Scheduled.Get(c.Request.Context(), viewer(c), id)
	if err != nil {
		x.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, x.scheduledStatus(*s))
}

// updateScheduledStatus serves PUT /api/v1/scheduled_statuses/:id
// (methods/scheduled_statuses#update): a new scheduled_at.
func (x *more) updateScheduledStatus(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	p, ok := x.bindOr(c)
	if !ok {
		return
	}
	raw, ok := p.opt("scheduled_at")
	if !ok {
		x.fail(c, core.Invalid("Scheduled at", "can't be blank"))
		return
	}
	at, err := parseTime(raw)
	if err != nil {
		x.fail(c, err)
		return
	}
	s, err := x.Scheduled.Reschedule(c.Request.Context(), viewer(c), id, at)
	if err != nil {
		x.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, x.scheduledStatus(*s))
}

// deleteScheduledStatus serves DELETE /api/v1/scheduled_statuses/:id
// (methods/scheduled_statuses#cancel): {} once cancelled.
func (x *more) deleteScheduledStatus(c *gin.Context) {
	x.emptyByID(c, x.Scheduled.Cancel)
}
