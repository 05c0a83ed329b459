package federation

import (
	"fmt"
	"net/http"
)

// Error is a refusal the web edge answers with Status and {"error": Msg}.
// Msg is safe to send to the other server: it names what was wrong, never
// a post's content.
type Error struct {
	Status int
	Msg    string
	// Err is the underlying cause, for logs; may be nil.
	Err error
}

// Error returns the status and the message.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("federation: %d %s: %v", e.Status, e.Msg, e.Err)
	}
	return fmt.Sprintf("federation: %d %s", e.Status, e.Msg)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func refuse(status int, err error, format string, args ...any) *Error {
	return &Error{Status: status, Msg: fmt.Sprintf(format, args...), Err: err}
}

func badRequest(format string, args ...any) *Error {
	return refuse(http.StatusBadRequest, nil, format, args...)
}

func forbidden(format string, args ...any) *Error {
	return refuse(http.StatusForbidden, nil, format, args...)
}
