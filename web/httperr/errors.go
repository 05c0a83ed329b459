// Package httperr is the one place where Rounds' errors become HTTP
// statuses and Mastodon-style {"error": ...} bodies (written by
// web/jsonbody, its one import from web), so that web and every handler
// package below it can call it.
package httperr

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// Status returns the HTTP status for an error from core or storage.
func Status(err error) int {
	switch {
	case errors.Is(err, core.ErrInvalid):
		return http.StatusUnprocessableEntity
	case errors.Is(err, core.ErrNotFound), errors.Is(err, storage.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, core.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, core.ErrUnauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, core.ErrConflict), errors.Is(err, storage.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, core.ErrGone):
		return http.StatusGone
	case errors.Is(err, core.ErrTooMany):
		return http.StatusTooManyRequests
	case errors.Is(err, core.ErrUnavailable):
		return http.StatusBadGateway
	default:
		return http.StatusInternalServerError
	}
}

// publicMessage is the text a client may see for an error: the field rule
// for invalid input, a fixed phrase otherwise, never internal detail.
func publicMessage(err error, status int) string {
	var inv *core.InvalidError
	if errors.As(err, &inv) {
		return "Validation failed: " + inv.Error()
	}
	var kind *core.KindError
	if (status < 500 || status == http.StatusBadGateway) && errors.As(err, &kind) {
		// A 502's message names the other server, never this one's state.
		return kind.Msg
	}
	switch status {
	case http.StatusNotFound:
		return "Record not found"
	case http.StatusForbidden:
		return "This action is not allowed"
	case http.StatusUnauthorized:
		return "The access token is invalid"
	case http.StatusConflict:
		return "Conflict with stored data"
	case http.StatusGone:
		return "Gone"
	case http.StatusTooManyRequests:
		return "Too many requests"
	case http.StatusBadGateway:
		return "Another server did not answer"
	case http.StatusInternalServerError:
		return "Internal server error"
	}
	return http.StatusText(status)
}

// Abort ends the request with the status and Mastodon-style JSON body
// {"error": ...} that err calls for, logging server errors.
func Abort(c *gin.Context, log *slog.Logger, err error) {
	status := Status(err)
	if status >= 500 {
		log.ErrorContext(c.Request.Context(), "request failed", "route", c.FullPath(), "err", err)
	}
	AbortMessage(c, status, publicMessage(err, status))
}

// AbortMessage ends the request with status and {"error": msg}.
func AbortMessage(c *gin.Context, status int, msg string) {
	jsonbody.Abort(c, status, gin.H{"error": msg})
}
