package mastodon

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/notify"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// errNotFound answers for an ID that cannot name anything.
var errNotFound = core.Errorf(core.ErrNotFound, "Record not found")

// notificationFilter reads types[], exclude_types[] and account_id.
func notificationFilter(p params) (storage.NotificationFilter, error) {
	f := storage.NotificationFilter{Types: p.list("types"), ExcludeTypes: p.list("exclude_types")}
	var err error
	f.FromAccountID, err = p.id("account_id")
	return f, err
}

// listNotifications serves GET /api/v1/notifications
// (methods/notifications#get): types[], exclude_types[], account_id, paging.
func (h *Handler) listNotifications(c *gin.Context) {
	p, ok := h.bindOr(c)
	if !ok {
		return
	}
	f, err := notificationFilter(p)
	if err != nil {
		h.fail(c, err)
		return
	}
	me := viewer(c)
	res, err := h.social.notifications.List(c.Request.Context(), me, f, p.page(notificationPage))
	if err != nil {
		h.fail(c, err)
		return
	}
	out, ok := h.notificationsFor(c, res.Items)
	if !ok {
		return
	}
	if len(out) > 0 {
		h.setLink(c, res.Next, res.Prev)
	}
	jsonbody.Write(c, http.StatusOK, out)
}

// getNotification serves GET /api/v1/notifications/:id.
func (h *Handler) getNotification(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	me := viewer(c)
	it, err := h.social.notifications.Get(c.Request.Context(), me, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	out, ok := h.notificationsFor(c, []notify.Item{*it})
	if !ok {
		return
	}
	jsonbody.Write(c, http.StatusOK, out[0])
}

// clearNotifications serves POST /api/v1/notifications/clear: {}.
func (h *Handler) clearNotifications(c *gin.Context) {
	if err := h.social.notifications.Clear(c.Request.Context(), viewer(c)); err != nil {
		h.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, gin.H{})
}

// dismissNotification serves POST /api/v1/notifications/:id/dismiss: {}.
func (h *Handler) dismissNotification(c *gin.Context) {
	h.emptyByID(c, h.social.notifications.Dismiss)
}

// unreadCount serves GET /api/v1/notifications/unread_count: limit
// (default 100, at most 1000), types[], exclude_types[], account_id.
// Notifications after the notifications read marker count as unread.
func (h *Handler) unreadCount(c *gin.Context) {
	p, ok := h.bindOr(c)
	if !ok {
		return
	}
	f, err := notificationFilter(p)
	if err != nil {
		h.fail(c, err)
		return
	}
	limit := 100
	if n, err := strconv.Atoi(p.text("limit")); err == nil && n > 0 {
		limit = min(n, 1000)
	}
	n, err := h.social.notifications.UnreadCount(c.Request.Context(), viewer(c), f, limit)
	if err != nil {
		h.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, gin.H{"count": n})
}
