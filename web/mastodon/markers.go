package mastodon

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/marker"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// getMarkers serves GET /api/v1/markers (methods/markers#get):
// timeline[] names the timelines; a map keyed by timeline.
func (x *p1) getMarkers(c *gin.Context) {
	p, ok := x.bindOr(c)
	if !ok {
		return
	}
	ms, err := x.markers.Get(c.Request.Context(), viewer(c), p.list("timeline"))
	if err != nil {
		x.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, newMarkers(ms))
}

// setMarkers serves POST /api/v1/markers (methods/markers#create):
// home[last_read_id], notifications[last_read_id], as JSON or a form;
// the saved markers, keyed by timeline.
func (x *p1) setMarkers(c *gin.Context) {
	p, ok := x.bindOr(c)
	if !ok {
		return
	}
	last := map[string]int64{}
	for _, t := range marker.Timelines {
		key := t + "[last_read_id]"
		if !present(p, t) {
			continue
		}
		id, err := p.id(key)
		if err == nil && id == 0 {
			err = core.Invalid(key, "can't be blank")
		}
		if err != nil {
			x.fail(c, err)
			return
		}
		last[t] = id
	}
	ms, err := x.markers.Set(c.Request.Context(), viewer(c), last)
	if err != nil {
		x.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, newMarkers(ms))
}
