package mastodon

import (
	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/follow"
	"github.com/rounds-md/rounds/web/oauth"
)

// socialRoutes mounts statuses, accounts, follows, timelines and
// notifications, each with the scope Mastodon requires. GET routes are
// mounted with and without a trailing slash.
func socialRoutes(r gin.IRouter, h *Handler) {
	get := func(path string, hs ...gin.HandlerFunc) {
		r.GET(path, hs...)
		r.GET(path+"/", hs...)
	}
	user := oauth.RequireUser

	// Default images (Mastodon's paths).
	r.GET(missingAvatarPath, missingImage("avatar-missing.png"))
	r.GET(missingHeaderPath, missingImage("header-missing.png"))

	// Accounts (methods/accounts, methods/preferences).
	get("/api/v1/accounts/verify_credentials", oauth.RequireUserAny("read:accounts", "profile"), h.verifyCredentials)
	get("/api/v1/preferences", user("read:accounts"), h.getPreferences)
	get("/api/v1/accounts/relationships", user("read:follows"), h.relationships)
	get("/api/v1/accounts/lookup", optional("read:accounts"), h.lookupAccount)
	get("/api/v1/accounts/:id", optional("read:accounts"), h.getAccount)
	get("/api/v1/accounts/:id/statuses", optional("read:statuses"), h.accountStatuses)
	get("/api/v1/accounts/:id/followers", optional("read:accounts"), h.accountList(h.followers))
	get("/api/v1/accounts/:id/following", optional("read:accounts"), h.accountList(h.following))
	r.POST("/api/v1/accounts/:id/follow", user("write:follows"), h.followAccount)
	r.POST("/api/v1/accounts/:id/unfollow", user("write:follows"), h.relationAction("id", (*follow.Service).Unfollow))
	r.POST("/api/v1/accounts/:id/block", user("write:blocks"), h.relationAction("id", (*follow.Service).Block))
	r.POST("/api/v1/accounts/:id/unblock", user("write:blocks"), h.relationAction("id", (*follow.Service).Unblock))
	get("/api/v1/blocks", user("read:blocks"), h.accountList(h.blocks))

	// Follow requests (methods/follow_requests).
	get("/api/v1/follow_requests", user("read:follows"), h.accountList(h.followRequests))
	r.POST("/api/v1/follow_requests/:id/authorize", user("write:follows"), h.relationAction("id", (*follow.Service).Authorize))
	r.POST("/api/v1/follow_requests/:id/reject", user("write:follows"), h.relationAction("id", (*follow.Service).Reject))

	// Statuses (methods/statuses).
	r.POST("/api/v1/statuses", user("write:statuses"), h.createStatus)
	get("/api/v1/statuses/:id", optional("read:statuses"), h.getStatus)
	get("/api/v1/statuses/:id/context", optional("read:statuses"), h.statusContext)
	r.DELETE("/api/v1/statuses/:id", user("write:statuses"), h.deleteStatus)

	// Timelines (methods/timelines).
	get("/api/v1/timelines/home", user("read:statuses"), h.homeTimeline)
	get("/api/v1/timelines/public", optional("read:statuses"), h.publicTimeline)

	// Notifications (methods/notifications).
	get("/api/v1/notifications", user("read:notifications"), h.listNotifications)
	get("/api/v1/notifications/unread_count", user("read:notifications"), h.unreadCount)
	get("/api/v1/notifications/:id", user("read:notifications"), h.getNotification)
	r.POST("/api/v1/notifications/clear", user("write:notifications"), h.clearNotifications)
	r.POST("/api/v1/notifications/:id/dismiss", user("write:notifications"), h.dismissNotification)

	// Stubs until the feature exists (clients crash on 404s). Lists are
	// another engineer's (storage/list.go), so no stub here.
	get("/api/v1/custom_emojis", h.customEmojis)
}
