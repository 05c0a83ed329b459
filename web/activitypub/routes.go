package activitypub

import "github.com/gin-gonic/gin"

// Routes mounts the ActivityPub documents on r. browser serves
// /users/{username} to requests that do not ask for ActivityStreams (the
// HTML profile page). Routes under /users/:username (inbox, outbox,
// followers, ...) must name the parameter :username too.
func Routes(r gin.IRouter, h *Handler, browser gin.HandlerFunc) {
	r.GET("/users/:username", h.user(browser))
	r.GET("/actor", h.instanceActor)
}
