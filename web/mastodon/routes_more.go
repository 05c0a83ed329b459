package mastodon

import (
	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/conversation"
	"github.com/rounds-md/rounds/core/follow"
	"github.com/rounds-md/rounds/core/search"
	"github.com/rounds-md/rounds/web/oauth"
)

// more serves polls, scheduled statuses, search, conversations, mutes,
// notes and remove_from_followers, over the core services (core/app).
type more struct {
	*Handler
	search *search.Service
	convs  *conversation.Service
}

func newMore(h *Handler) *more {
	return &more{Handler: h, search: h.Search, convs: h.Conversations}
}

// moreRoutes mounts them, each with the scope Mastodon requires. GET
// routes are mounted with and without a trailing slash.
func moreRoutes(r gin.IRouter, h *Handler) {
	x := newMore(h)
	get := func(path string, hs ...gin.HandlerFunc) {
		r.GET(path, hs...)
		r.GET(path+"/", hs...)
	}
	user := oauth.RequireUser

	// Polls (methods/polls).
	get("/api/v1/polls/:id", optional("read:statuses"), x.getPoll)
	r.POST("/api/v1/polls/:id/votes", user("write:statuses"), x.votePoll)

	// Scheduled statuses (methods/scheduled_statuses); creation is
	// POST /api/v1/statuses with scheduled_at.
	get("/api/v1/scheduled_statuses", user("read:statuses"), x.scheduledStatuses)
	get("/api/v1/scheduled_statuses/:id", user("read:statuses"), x.getScheduledStatus)
	r.PUT("/api/v1/scheduled_statuses/:id", user("write:statuses"), x.updateScheduledStatus)
	r.DELETE("/api/v1/scheduled_statuses/:id", user("write:statuses"), x.deleteScheduledStatus)

	// Search (methods/search, methods/accounts#search).
	get("/api/v2/search", optional("read:search"), x.searchV2)
	get("/api/v1/accounts/search", user("read:accounts"), x.searchAccounts)

	// Conversations (methods/conversations).
	get("/api/v1/conversations", user("read:statuses"), x.conversations)
	r.POST("/api/v1/conversations/:id/read", user("write:conversations"), x.readConversation)
	r.DELETE("/api/v1/conversations/:id", user("write:conversations"), x.deleteConversation)

	// Mutes, notes, removing a follower (methods/accounts, methods/mutes);
	// blocks are in routes_social.go.
	r.POST("/api/v1/accounts/:id/mute", user("write:mutes"), x.muteAccount)
	r.POST("/api/v1/accounts/:id/unmute", user("write:mutes"), x.relationAction("id", (*follow.Service).Unmute))
	get("/api/v1/mutes", user("read:mutes"), x.mutes)
	r.POST("/api/v1/accounts/:id/note", user("write:accounts"), x.setNote)
	r.POST("/api/v1/accounts/:id/remove_from_followers", user("write:follows"), x.relationAction("id", (*follow.Service).RemoveFromFollowers))
}
