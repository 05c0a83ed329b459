package oauth

import (
	"log/slog"

	"github.com/rounds-md/rounds/core/instance"
	oauthcore "github.com/rounds-md/rounds/core/oauth"
)

// Handler serves the OAuth endpoints and pages.
type Handler struct {
	svc   *oauthcore.Service
	inst  instance.Config
	log   *slog.Logger
	pages *pages
}

// NewHandler returns the OAuth handlers for the instance inst.
func NewHandler(svc *oauthcore.Service, inst instance.Config, log *slog.Logger) *Handler {
	return &Handler{svc: svc, inst: inst, log: log, pages: newPages(inst, log)}
}
