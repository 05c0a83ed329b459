package mastodon

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/poll"
	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// getPoll serves GET /api/v1/polls/:id (methods/polls#get): 404 unless the
// viewer may see the poll's status.
func (x *more) getPoll(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	p, err := x.Polls.Get(c.Request.Context(), viewer(c), id)
	if err != nil {
		x.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, pollEntity(*p))
}

// votePoll serves POST /api/v1/polls/:id/votes (methods/polls#vote):
// choices[] are option indexes.
func (x *more) votePoll(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	p, ok := x.bindOr(c)
	if !ok {
		return
	}
	var choices []int
	for _, s := range p.list("choices") {
		n, err := strconv.Atoi(s)
		if err != nil {
			x.fail(c, core.Invalid("choices", "must be option indexes"))
			return
		}
		choices = append(choices, n)
	}
	res, err := x.Polls.Vote(c.Request.Context(), viewer(c), id, choices)
	if err != nil {
		x.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, pollEntity(*res))
}

// pollDraft reads poll[options][], poll[expires_in], poll[multiple] and
// poll[hide_totals] (form or JSON); nil when the request has no poll.
func pollDraft(p params) (*poll.Draft, error) {
	has := false
	for k := range p {
		if strings.HasPrefix(k, "poll[") {
			has = true
			break
		}
	}
	if !has {
		return nil, nil
	}
	d := &poll.Draft{Options: p.list("poll[options]")}
	if v, ok := p.opt("poll[expires_in]"); ok {
		secs, err := strconv.ParseFloat(v, 64)
		if err != nil || secs < 0 || secs > float64(poll.MaxExpiresIn/time.Second)*2 {
			return nil, core.Invalid("Poll expires at", "is not a number of seconds")
		}
		d.ExpiresIn = time.Duration(secs) * time.Second
	}
	var err error
	if d.Multiple, err = p.flag("poll[multiple]"); err != nil {
		return nil, err
	}
	if d.HideTotals, err = p.flag("poll[hide_totals]"); err != nil {
		return nil, err
	}
	return d, nil
}

// composeExtras handles what POST /api/v1/statuses may add to a plain
// status: a poll (attached to d) and scheduled_at (the draft is scheduled
// and the request answered with a ScheduledStatus). It reports whether it
// answered the request.
func (h *Handler) composeExtras(c *gin.Context, p params, d *post.Draft) bool {
	pd, err := pollDraft(p)
	if err != nil {
		h.fail(c, err)
		return true
	}
	if raw, ok := p.opt("scheduled_at"); ok {
		h.scheduleStatus(c, raw, *d, pd)
		return true
	}
	if pd == nil {
		return false
	}
	if err := h.Polls.Attach(d, *pd); err != nil {
		h.fail(c, err)
		return true
	}
	return false
}
