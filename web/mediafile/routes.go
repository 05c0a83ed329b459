package mediafile

import (
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/web/httperr"
)

// Handler serves media files.
type Handler struct {
	media *media.Service
	log   *slog.Logger
}

// New returns a Handler over the media service.
func New(m *media.Service, log *slog.Logger) *Handler { return &Handler{media: m, log: log} }

// Routes mounts GET (and HEAD) /media/*path.
func Routes(r gin.IRouter, h *Handler) {
	r.GET(strings.TrimSuffix(media.URLPrefix, "/")+"/*path", h.file)
	r.HEAD(strings.TrimSuffix(media.URLPrefix, "/")+"/*path", h.file)
}

// file serves one processed file by its random name: to anyone for a
// public file, and otherwise only through a signed, unexpired URL
// (media.Service.Authorize). The response may only be cached privately,
// so that shared caches do not bypass that check.
func (h *Handler) file(c *gin.Context) {
	rel := strings.TrimPrefix(c.Param("path"), "/")
	path, typ, err := h.media.File(rel)
	if err != nil {
		httperr.Abort(c, h.log, err)
		return
	}
	if err := h.media.Authorize(c.Request.Context(), rel, c.Query("exp"), c.Query("sig"), time.Now()); err != nil {
		httperr.Abort(c, h.log, err)
		return
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		httperr.AbortMessage(c, http.StatusNotFound, "Not found")
		return
	}
	if err != nil {
		httperr.Abort(c, h.log, err)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		httperr.Abort(c, h.log, err)
		return
	}
	hd := c.Writer.Header()
	hd.Set("Content-Type", typ)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "private, max-age=86400")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	http.ServeContent(c.Writer, c.Request, "", info.ModTime(), f)
}
