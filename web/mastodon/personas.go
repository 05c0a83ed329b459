package mastodon

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// listPersonas serves GET /api/v1/rounds/personas (scope
// rounds:personas): the signed-in sign-in's personas, each as its
// owner sees it (with every field), the first made first.
func (h *Handler) listPersonas(c *gin.Context) {
	ctx := c.Request.Context()
	ps, err := h.pro.accounts.Personas(ctx, viewer(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	accts := make([]*storage.Account, len(ps))
	for i := range ps {
		accts[i] = &ps[i]
	}
	loaded, err := h.social.profiles.Load(ctx, accts)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := h.accounts(loaded)
	// Each persona is its own owner: show each its own fields.
	for i, a := range loaded {
		out[i].Fields, out[i].Rounds = h.professional(a, credential.Owner(&ps[i]))
	}
	c.Header("Cache-Control", "private, no-store")
	jsonbody.Write(c, http.StatusOK, out)
}

// createPersona serves POST /api/v1/rounds/personas (scope
// rounds:personas): username (required), display_name, locked. Answers
// 200 with the new account; 422 for a bad username, 409 for a taken one,
// 403 past account.MaxPersonas.
func (h *Handler) createPersona(c *gin.Context) {
	p, ok := h.bindOr(c)
	if !ok {
		return
	}
	locked, err := p.flag("locked")
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	a, err := h.pro.accounts.CreatePersona(ctx, viewer(c), account.NewPersona{
		Username: p.text("username"), DisplayName: p.text("display_name"), Locked: locked,
	})
	if err != nil {
		h.fail(c, err)
		return
	}
	loaded, err := h.social.profiles.Get(ctx, a.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	// As in the list: the new persona as its owner sees it.
	out := h.account(*loaded)
	out.Fields, out.Rounds = h.professional(*loaded, credential.Owner(a))
	c.Header("Cache-Control", "private, no-store")
	jsonbody.Write(c, http.StatusOK, out)
}
