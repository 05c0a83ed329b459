package discovery

import "github.com/gin-gonic/gin"

// Routes mounts the discovery documents on r.
func Routes(r gin.IRouter, h *Handler) {
	r.GET("/.well-known/webfinger", h.webFinger)
	r.GET("/.well-known/host-meta", h.hostMeta)
	r.GET("/.well-known/host-meta.json", h.hostMetaJSON)
	r.GET("/.well-known/nodeinfo", h.wellKnownNodeInfo)
	r.GET("/nodeinfo/2.0", h.nodeInfo("2.0"))
	r.GET("/nodeinfo/2.1", h.nodeInfo("2.1"))
}
