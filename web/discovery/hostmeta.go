package discovery

import (
	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/web/httperr"
)

// hostMeta serves GET /.well-known/host-meta (RFC 6415): an XRD whose LRDD
// template points at this instance's WebFinger endpoint.
func (h *Handler) hostMeta(c *gin.Context) {
	body, err := federation.HostMetaXML(h.inst)
	if err != nil {
		httperr.Abort(c, h.log, err)
		return
	}
	c.Data(200, federation.XRDContentType, body)
}

// hostMetaJSON serves GET /.well-known/host-meta.json, the JRD form of host-meta.
func (h *Handler) hostMetaJSON(c *gin.Context) {
	h.writeJSON(c, federation.JRDContentType, federation.HostMetaJSON(h.inst))
}
