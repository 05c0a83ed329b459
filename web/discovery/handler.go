package discovery

import (
	"encoding/json"
	"log/slog"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/httperr"
)

// Handler serves the discovery documents.
type Handler struct {
	inst     instance.Config
	accounts *account.Service
	store    *storage.Store
	log      *slog.Logger
}

// New returns a Handler for the instance inst.
func New(inst instance.Config, accounts *account.Service, store *storage.Store, log *slog.Logger) *Handler {
	return &Handler{inst: inst, accounts: accounts, store: store, log: log}
}

// writeJSON answers 200 with v as JSON under the given Content-Type.
func (h *Handler) writeJSON(c *gin.Context, contentType string, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		httperr.Abort(c, h.log, err)
		return
	}
	c.Data(200, contentType, body)
}
