package activitypub

import "github.com/gin-gonic/gin"

// Routes mounts the ActivityPub documents on r. browser serves
// /users/{username} to requests that do not ask for ActivityStreams (the
// HTML profile page), and statusPage serves them /@{username}/{id} (the
// HTML status page; nil leaves that path unserved), whose ActivityStreams
// requests get the Note as at /users/{username}/statuses/{id}. Routes
// under /users/:username (inbox, outbox, followers, ...) must name the
// parameter :username too.
func Routes(r gin.IRouter, h *Handler, browser, statusPage gin.HandlerFunc) {
	r.GET("/users/:username", h.user(browser))
	r.GET("/actor", h.instanceActor)

	// Inboxes: a person's, the shared one, and the instance actor's
	// (which is the shared one too).
	r.POST("/users/:username/inbox", h.inbox)
	r.POST("/inbox", h.inbox)
	r.POST("/actor/inbox", h.inbox)

	// Objects and collections.
	// A browser is sent to the status's page when there is one, to the
	// profile page otherwise.
	toStatus := h.toProfile
	if statusPage != nil {
		toStatus = h.toStatusPage
		r.GET("/@:username/:id", h.object(h.status, statusPage))
	}
	r.GET("/users/:username/statuses/:id", h.object(h.status, toStatus))
	r.GET("/users/:username/outbox", h.object(h.outbox, h.toProfile))
	r.GET("/users/:username/followers", h.object(h.followers, h.toProfile))
	r.GET("/users/:username/following", h.object(h.following, h.toProfile))
}
