package activitypub

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/httperr"
)

// fail ends the request for err: a federation refusal with its own status
// and message, anything else through httperr.
func (h *Handler) fail(c *gin.Context, err error) {
	var fe *federation.Error
	if errors.As(err, &fe) {
		if fe.Status >= 500 {
			h.log.ErrorContext(c.Request.Context(), "federation request failed", "route", c.FullPath(), "err", err)
		} else {
			h.log.DebugContext(c.Request.Context(), "federation request refused", "route", c.FullPath(), "status", fe.Status, "err", err)
		}
		httperr.AbortMessage(c, fe.Status, fe.Msg)
		return
	}
	httperr.Abort(c, h.log, err)
}

// inbox serves POST /users/{username}/inbox and, with no username, the
// shared inbox POST /inbox (ActivityPub §7, Mastodon spec/activitypub):
// 202 Accepted once the activity is checked and queued; 401 for anything
// wrong with the signature, 403 for a refused domain or origin, 413, 415,
// 400 for an unreadable activity.
func (h *Handler) inbox(c *gin.Context) {
	if err := h.fed.Receive(c.Request.Context(), c.Request, c.Param("username")); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusAccepted)
}

// requester authenticates a GET by its signature (nil when unsigned),
// ending the request on a bad one.
func (h *Handler) requester(c *gin.Context) (*storage.Account, bool) {
	a, err := h.fed.Requester(c.Request.Context(), c.Request)
	if err != nil {
		h.fail(c, err)
		return nil, false
	}
	return a, true
}

// object wraps a GET of an ActivityStreams document under
// /users/{username}/... (or /@{username}/{id}): requests that do not ask
// for ActivityStreams are passed to browser; AS2 requests are
// authenticated and rendered by load.
func (h *Handler) object(load func(c *gin.Context, requester *storage.Account) (*federation.Document, error), browser gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Writer.Header().Add("Vary", "Accept")
		if !federation.WantsActivity(c.GetHeader("Accept")) {
			browser(c)
			return
		}
		requester, ok := h.requester(c)
		if !ok {
			return
		}
		doc, err := load(c, requester)
		if err != nil {
			h.fail(c, err)
			return
		}
		c.Data(doc.Status, federation.ActivityContentType, doc.Body)
	}
}

// toProfile sends a browser to the profile page of the path's account.
func (h *Handler) toProfile(c *gin.Context) {
	c.Redirect(http.StatusFound, h.inst.ProfileURL(c.Param("username")))
}

// toStatusPage sends a browser to the HTML page of the path's status,
// /@{username}/{id}, which decides what the browser may see.
func (h *Handler) toStatusPage(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		h.toProfile(c)
		return
	}
	c.Redirect(http.StatusFound, h.inst.ProfileURL(c.Param("username"))+"/"+strconv.FormatInt(id, 10))
}

// status serves GET /users/{username}/statuses/{id} (Mastodon
// spec/activitypub "Statuses"): the Note with its public replies, 410 and
// a Tombstone once deleted, 404 unless the signer may see it.
func (h *Handler) status(c *gin.Context, requester *storage.Account) (*federation.Document, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, &federation.Error{Status: http.StatusNotFound, Msg: "Record not found"}
	}
	return h.fed.StatusNote(c.Request.Context(), requester, c.Param("username"), id)
}

// outbox serves GET /users/{username}/outbox (ActivityPub §5.1): an
// OrderedCollection, and with ?page= its pages of Create activities.
func (h *Handler) outbox(c *gin.Context, requester *storage.Account) (*federation.Document, error) {
	return h.fed.Outbox(c.Request.Context(), requester, c.Param("username"), federation.ParsePageParams(c.Request.URL.Query()))
}

// followers serves GET /users/{username}/followers (ActivityPub §5.3).
func (h *Handler) followers(c *gin.Context, requester *storage.Account) (*federation.Document, error) {
	return h.fed.Followers(c.Request.Context(), requester, c.Param("username"), federation.ParsePageParams(c.Request.URL.Query()))
}

// following serves GET /users/{username}/following (ActivityPub §5.4).
func (h *Handler) following(c *gin.Context, requester *storage.Account) (*federation.Document, error) {
	return h.fed.Following(c.Request.Context(), requester, c.Param("username"), federation.ParsePageParams(c.Request.URL.Query()))
}
