package mastodon

import (
	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/oauth"
)

// actionRoutes mounts what people do to statuses (methods/statuses,
// methods/favourites, methods/bookmarks) with the scopes Mastodon
// requires: favourites, boosts, bookmarks, pins, muted conversations,
// edits with their history and source, and who favourited or boosted.
// GET routes are mounted with and without a trailing slash.
func actionRoutes(r gin.IRouter, h *Handler) {
	get := func(path string, hs ...gin.HandlerFunc) {
		r.GET(path, hs...)
		r.GET(path+"/", hs...)
	}
	user := oauth.RequireUser

	r.POST("/api/v1/statuses/:id/favourite", user("write:favourites"), h.statusAction((*post.Service).Favourite))
	r.POST("/api/v1/statuses/:id/unfavourite", user("write:favourites"), h.statusAction((*post.Service).Unfavourite))
	r.POST("/api/v1/statuses/:id/reblog", user("write:statuses"), h.reblogStatus)
	r.POST("/api/v1/statuses/:id/unreblog", user("write:statuses"), h.statusAction((*post.Service).Unreblog))
	r.POST("/api/v1/statuses/:id/bookmark", user("write:bookmarks"), h.statusAction((*post.Service).Bookmark))
	r.POST("/api/v1/statuses/:id/unbookmark", user("write:bookmarks"), h.statusAction((*post.Service).Unbookmark))
	r.POST("/api/v1/statuses/:id/pin", user("write:accounts"), h.statusAction((*post.Service).Pin))
	r.POST("/api/v1/statuses/:id/unpin", user("write:accounts"), h.statusAction((*post.Service).Unpin))
	r.POST("/api/v1/statuses/:id/mute", user("write:mutes"), h.statusAction((*post.Service).MuteConversation))
	r.POST("/api/v1/statuses/:id/unmute", user("write:mutes"), h.statusAction((*post.Service).UnmuteConversation))

	r.PUT("/api/v1/statuses/:id", user("write:statuses"), h.editStatus)
	get("/api/v1/statuses/:id/history", optional("read:statuses"), h.statusHistory)
	get("/api/v1/statuses/:id/source", user("read:statuses"), h.statusSource)
	get("/api/v1/statuses/:id/favourited_by", optional("read:accounts"), h.accountList(h.favouritedBy))
	get("/api/v1/statuses/:id/reblogged_by", optional("read:accounts"), h.accountList(h.rebloggedBy))

	get("/api/v1/favourites", user("read:favourites"), h.markedStatuses(storage.Favourite))
	get("/api/v1/bookmarks", user("read:bookmarks"), h.markedStatuses(storage.Bookmark))
}
