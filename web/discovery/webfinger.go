package discovery

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/httperr"
)

// webFinger serves GET /.well-known/webfinger?resource=... (RFC 7033;
// Mastodon's spec/webfinger): the JRD of a local actor named by
// acct:user@domain, its actor URL or its profile URL. A missing or
// malformed resource is 400; an unknown or suspended account, or a
// resource on another domain, is 404.
func (h *Handler) webFinger(c *gin.Context) {
	res, err := federation.ParseResource(h.inst, c.Query("resource"))
	if err != nil {
		var inv *core.InvalidError
		if errors.As(err, &inv) {
			httperr.AbortMessage(c, http.StatusBadRequest, inv.Error())
			return
		}
		httperr.Abort(c, h.log, err)
		return
	}
	var a *storage.Account
	if res.InstanceActor {
		a, err = h.accounts.InstanceActor(c.Request.Context())
	} else {
		a, err = h.accounts.LocalPerson(c.Request.Context(), res.Username)
	}
	if errors.Is(err, core.ErrGone) {
		// A suspended account is not discoverable at all.
		err = core.ErrNotFound
	}
	if err != nil {
		httperr.Abort(c, h.log, err)
		return
	}
	jrd, err := federation.WebFinger(h.inst, a)
	if err != nil {
		httperr.Abort(c, h.log, err)
		return
	}
	h.writeJSON(c, federation.JRDContentType, jrd)
}
