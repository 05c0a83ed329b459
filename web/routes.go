package web

import (
	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
)

// routes is the route table: the operational endpoints here, and each
// subpackage's table (web/mastodon, web/oauth, web/pages, ...) mounted in
// turn. A subpackage's routes.go lists its own routes, so that every route
// can be found from this file in one step.
func routes(r *gin.Engine, cfg Config, deps Deps, reg *prometheus.Registry) {
	h := &health{store: deps.Store, log: deps.Log}
	r.GET("/healthz", h.live)
	r.GET("/readyz", h.ready)
	r.GET("/metrics", metricsHandler(reg, cfg.MetricsToken))
}
