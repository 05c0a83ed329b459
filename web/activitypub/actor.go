package activitypub

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/httperr"
)

// Handler serves actor documents, objects and collections, and the inboxes.
type Handler struct {
	inst     instance.Config
	accounts *account.Service
	fed      *federation.Federator
	log      *slog.Logger
}

// New returns a Handler for the instance inst; fed receives activities
// and renders objects.
func New(inst instance.Config, accounts *account.Service, fed *federation.Federator, log *slog.Logger) *Handler {
	return &Handler{inst: inst, accounts: accounts, fed: fed, log: log}
}

// user returns the handler of GET /users/{username} (ActivityPub §4.1;
// Mastodon spec/activitypub "Actors"). An ActivityStreams request gets the
// actor document with the professional fields the signer may see (under
// authorized fetch, a minimal actor when unsigned; 401 when badly
// signed), 404 for an unknown account and 410 with a Tombstone for a
// suspended one; any other request is passed to browser.
func (h *Handler) user(browser gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Writer.Header().Add("Vary", "Accept")
		if !federation.WantsActivity(c.GetHeader("Accept")) {
			browser(c)
			return
		}
		a, err := h.accounts.LocalPerson(c.Request.Context(), c.Param("username"))
		if errors.Is(err, core.ErrGone) && a != nil {
			h.write(c, http.StatusGone, a, federation.ActorTombstone)
			return
		}
		if err != nil {
			httperr.Abort(c, h.log, err)
			return
		}
		// A signed fetch is authenticated (401 when the signature is bad):
		// the signer may be in the audience of narrower profile fields.
		requester, ok := h.requester(c)
		if !ok {
			return
		}
		if h.fed.AuthorizedFetch() && requester == nil {
			// Under authorized fetch an unsigned request gets only what
			// verifying this actor's signatures needs.
			h.write(c, http.StatusOK, a, federation.MinimalActor)
			return
		}
		h.actorFor(c, a, requester)
	}
}

// actorFor answers with a local actor as requester (nil: unsigned) may
// see it: with the professional fields of its audience, and marked
// private whenever it shows more than the public sees, so that no cache
// keeps it as the actor.
func (h *Handler) actorFor(c *gin.Context, a *storage.Account, requester *storage.Account) {
	body, narrower, err := h.fed.ActorFor(c.Request.Context(), a, requester)
	if err != nil {
		h.fail(c, err)
		return
	}
	if narrower {
		c.Header("Cache-Control", "private, no-store")
	}
	c.Data(http.StatusOK, federation.ActivityContentType, body)
}

// instanceActor serves GET /actor: the instance actor, an Application
// that signs the instance's own requests (Mastodon's instance actor). It is
// served as ActivityStreams to every request, signed or not, so that key
// fetches cannot loop under authorized fetch.
func (h *Handler) instanceActor(c *gin.Context) {
	c.Writer.Header().Add("Vary", "Accept")
	a, err := h.accounts.InstanceActor(c.Request.Context())
	if err != nil {
		httperr.Abort(c, h.log, err)
		return
	}
	h.write(c, http.StatusOK, a, federation.Actor)
}

// write renders a with render and answers with status.
func (h *Handler) write(c *gin.Context, status int, a *storage.Account,
	render func(instance.Config, *storage.Account) ([]byte, error)) {
	body, err := render(h.inst, a)
	if err != nil {
		httperr.Abort(c, h.log, err)
		return
	}
	c.Data(status, federation.ActivityContentType, body)
}
