package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/web/httperr"
)

// requestLog writes one structured line per request at debug level:
// method, route, status and duration. It never logs bodies or query
// strings, which may carry tokens or patient data. When debug lines are
// not written it costs one level check (the line's attributes are not
// built).
func requestLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !log.Enabled(c.Request.Context(), slog.LevelDebug) {
			c.Next()
			return
		}
		start := time.Now()
		c.Next()
		log.DebugContext(c.Request.Context(), "request",
			"method", c.Request.Method, "route", c.FullPath(),
			"status", c.Writer.Status(), "duration", time.Since(start))
	}
}

// recovery turns a panic into a logged 500 with a JSON body.
func recovery(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.ErrorContext(c.Request.Context(), "panic serving request", "route", c.FullPath(), "panic", p)
				httperr.AbortMessage(c, http.StatusInternalServerError, "Internal server error")
			}
		}()
		c.Next()
	}
}
