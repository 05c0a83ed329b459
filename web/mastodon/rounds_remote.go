package mastodon

import "github.com/gin-gonic/gin"

// remoteProfile serves GET /api/v1/rounds/accounts/:id/profile (Rounds;
// scope read:accounts): the Account as the viewer may see it, with the
// fields and Account.rounds that the account's own Rounds instance shows
// the viewer, asked for now with a fetch of its actor signed by the
// viewer's own key (credential.RemoteViews). That fetch tells the other
// instance who is looking, which is why only this explicit call makes it.
// The answer is private to the viewer and kept nowhere. A local account
// is answered as GET /api/v1/accounts/:id. 422 for an account not on a
// Rounds instance, 429 past the viewer's limit, 502 when the other
// instance does not answer.
func (h *Handler) remoteProfile(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	ctx := c.Request.Context()
	a, err := h.social.profiles.Get(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	card, err := h.RemoteProfiles.Fetch(ctx, viewer(c), a.Account)
	if err != nil {
		h.fail(c, err)
		return
	}
	a.Card = card
	h.renderAccountFor(c, *a)
}
