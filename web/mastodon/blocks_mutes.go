package mastodon

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/follow"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// Blocks are served by routes_social.go (core/follow's Block, Unblock and
// Blocks); this file has mutes, notes and remove_from_followers.

// muteAccount serves POST /api/v1/accounts/:id/mute
// (methods/accounts#mute): notifications (default true), duration in
// seconds (0: until unmuted).
func (x *more) muteAccount(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	p, ok := x.bindOr(c)
	if !ok {
		return
	}
	o := follow.MuteOptions{Notifications: true}
	notifications, set, err := p.boolean("notifications")
	if err != nil {
		x.fail(c, err)
		return
	}
	if set {
		o.Notifications = notifications
	}
	if v, ok := p.opt("duration"); ok {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs < 0 || secs > int64(100*365*24*time.Hour/time.Second) {
			x.fail(c, core.Invalid("duration", "must be a number of seconds"))
			return
		}
		o.Duration = time.Duration(secs) * time.Second
	}
	r, err := x.social.follows.Mute(c.Request.Context(), viewer(c), id, o)
	x.relationship(c, r, err)
}

// MutedAccount is an Account of GET /api/v1/mutes, with the mute's end.
type MutedAccount struct {
	Account
	MuteExpiresAt *Time `json:"mute_expires_at"`
}

// mutes serves GET /api/v1/mutes (methods/mutes#get), paged by mute.
func (x *more) mutes(c *gin.Context) {
	p, ok := x.bindOr(c)
	if !ok {
		return
	}
	ms, err := x.social.follows.Mutes(c.Request.Context(), viewer(c), p.page(accountPage))
	if err != nil {
		x.fail(c, err)
		return
	}
	accts, err := accountsFor(x.Handler, c, ms, func(m *follow.Muted) *profile.Account { return &m.Account })
	if err != nil {
		x.fail(c, err)
		return
	}
	out := make([]MutedAccount, len(ms))
	for i, m := range ms {
		out[i] = MutedAccount{Account: accts[i], MuteExpiresAt: timePtr(m.ExpiresAt)}
	}
	if len(ms) > 0 {
		x.setLink(c, ms[len(ms)-1].Cursor, ms[0].Cursor)
	}
	jsonbody.Write(c, http.StatusOK, out)
}

// setNote serves POST /api/v1/accounts/:id/note (methods/accounts#note):
// comment, a private note only its writer sees (Relationship.note).
func (x *more) setNote(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	p, ok := x.bindOr(c)
	if !ok {
		return
	}
	comment, _ := p.opt("comment")
	r, err := x.social.follows.SetNote(c.Request.Context(), viewer(c), id, comment)
	x.relationship(c, r, err)
}
