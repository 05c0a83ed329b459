package activitypub

import "github.com/gin-gonic/gin"

// Routes mounts the ActivityPub documents on r. browser serves
// /users/{username} to requests that do not ask for ActivityStreams (the
// HTML profile page). Routes under /users/:username (inbox, outbox,
// followers, ...) must name the parameter :username too.
func Routes(r gin.IRouter, h *Handler, browser gin.HandlerFunc) {
	r.GET("/users/:username", h.user(browser))
	r.GET("/actor", h.instanceActor)

	// Inboxes: a person's, the shared one, and the instance actor's
	// (which is the shared one too).
	r.POST("/users/:username/inbox", h.inbox)
	r.POST("/inbox", h.inbox)
	r.POST("/actor/inbox", h.inbox)

	// Objects and collections.
	r.GET("/users/:username/statuses/:id", h.object(h.status))
	r.GET("/users/:username/outbox", h.object(h.outbox))
	r.GET("/users/:username/followers", h.object(h.followers))
	r.GET("/users/:username/following", h.object(h.following))
}
