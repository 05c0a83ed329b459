package discovery

import (
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/web/httperr"
)

// wellKnownNodeInfo serves GET /.well-known/nodeinfo: links to the NodeInfo
// documents of each schema version (nodeinfo.diaspora.software/protocol).
func (h *Handler) wellKnownNodeInfo(c *gin.Context) {
	h.writeJSON(c, "application/json; charset=utf-8", federation.WellKnownNodeInfo(h.inst))
}

// nodeInfo returns the handler of GET /nodeinfo/2.0 and /nodeinfo/2.1: the
// software, protocols, registration policy and usage figures, counted from
// the store on each request.
func (h *Handler) nodeInfo(version string) gin.HandlerFunc {
	return func(c *gin.Context) {
		usage, err := h.store.Usage(c.Request.Context(), time.Now())
		if err != nil {
			httperr.Abort(c, h.log, err)
			return
		}
		h.writeJSON(c, federation.NodeInfoContentType(version), federation.NewNodeInfo(version, h.inst, usage))
	}
}
