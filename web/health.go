package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/httperr"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// health answers the liveness and readiness probes.
type health struct {
	store *storage.Store
	log   *slog.Logger
}

// live handles GET /healthz: the process is up.
func (h *health) live(c *gin.Context) {
	jsonbody.Write(c, http.StatusOK, gin.H{"status": "ok"})
}

// ready handles GET /readyz: the database answers and no migration is pending.
func (h *health) ready(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := h.store.Ping(ctx); err != nil {
		h.log.WarnContext(ctx, "readiness: database unreachable", "err", err)
		httperr.AbortMessage(c, http.StatusServiceUnavailable, "database unreachable")
		return
	}
	pending, err := h.store.Pending(ctx)
	if err != nil {
		h.log.WarnContext(ctx, "readiness: migration status", "err", err)
		httperr.AbortMessage(c, http.StatusServiceUnavailable, "migration status unknown")
		return
	}
	if len(pending) > 0 {
		httperr.AbortMessage(c, http.StatusServiceUnavailable, "migrations pending")
		return
	}
	jsonbody.Write(c, http.StatusOK, gin.H{"status": "ok"})
}
