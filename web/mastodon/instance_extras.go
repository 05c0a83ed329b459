package mastodon

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// activityWeeks is how many weeks GET /api/v1/instance/activity covers.
const activityWeeks = 12

// instanceRules serves GET /api/v1/instance/rules (methods/instance#rules):
// Rounds has no server rules to show yet, so the list is empty.
func (x *p1) instanceRules(c *gin.Context) { jsonbody.Write(c, http.StatusOK, []Rule{}) }

// emptyList serves endpoints Rounds has nothing for but clients call:
// GET /api/v1/announcements, the trends (/api/v1/trends,
// /api/v1/trends/tags, /statuses, /links), and the lists of features it
// lacks (featured tags, endorsements, suggestions, user domain blocks).
func (x *p1) emptyList(c *gin.Context) { jsonbody.Write(c, http.StatusOK, []struct{}{}) }

// instancePeers serves GET /api/v1/instance/peers (methods/instance#peers):
// the domains this instance knows accounts on.
func (x *p1) instancePeers(c *gin.Context) {
	peers, err := x.Store.Peers(c.Request.Context())
	if err != nil {
		x.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, peers)
}

// instanceActivity serves GET /api/v1/instance/activity
// (methods/instance#activity): the last 12 weeks (this one first) of local
// statuses, sign-ins to apps and registrations, weeks starting on Monday
// (UTC), every figure a string.
func (x *p1) instanceActivity(c *gin.Context) {
	now := time.Now().UTC()
	monday := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	monday = monday.AddDate(0, 0, -((int(monday.Weekday()) + 6) % 7))
	starts := make([]time.Time, activityWeeks)
	for i := range starts {
		starts[i] = monday.AddDate(0, 0, -7*i)
	}
	weeks, err := x.Store.Activity(c.Request.Context(), starts)
	if err != nil {
		x.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, newActivity(weeks))
}

func newActivity(weeks []storage.WeekActivity) []Activity {
	out := make([]Activity, len(weeks))
	for i, w := range weeks {
		out[i] = Activity{
			Week: strconv.FormatInt(w.Week.Unix(), 10), Statuses: strconv.Itoa(w.Statuses),
			Logins: strconv.Itoa(w.Logins), Registrations: strconv.Itoa(w.Registrations),
		}
	}
	return out
}
