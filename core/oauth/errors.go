package oauth

import (
	"fmt"
	"time"

	"github.com/rounds-md/rounds/core"
)

// The error codes of RFC 6749 (sections 4.1.2.1 and 5.2) and RFC 7009.
const (
	CodeInvalidRequest          = "invalid_request"
	CodeInvalidClient           = "invalid_client"
	CodeInvalidGrant            = "invalid_grant"
	CodeUnauthorizedClient      = "unauthorized_client"
	CodeUnsupportedGrantType    = "unsupported_grant_type"
	CodeUnsupportedResponseType = "unsupported_response_type"
	CodeInvalidScope            = "invalid_scope"
	CodeAccessDenied            = "access_denied"
)

// Error is an OAuth protocol error: a code from RFC 6749 and a sentence
// for the person reading error_description.
type Error struct {
	Code        string
	Description string
}

// Error returns "code: description".
func (e *Error) Error() string { return e.Code + ": " + e.Description }

// oauthErr returns an *Error.
func oauthErr(code, format string, a ...any) *Error {
	return &Error{Code: code, Description: fmt.Sprintf(format, a...)}
}

// errInvalidClient is the one answer to any failed client authentication,
// so that it does not tell an unknown client from a wrong secret.
var errInvalidClient = oauthErr(CodeInvalidClient,
	"Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.")

// RateLimitError says a sign-in was refused because too many failed
// recently. It matches core.ErrForbidden with errors.Is; the edges answer
// it with 429 and Retry-After.
type RateLimitError struct {
	RetryAfter time.Duration
}

// Error returns a message for the person signing in.
func (e *RateLimitError) Error() string {
	return "Too many failed sign-in attempts. Try again later."
}

// Is makes errors.Is(err, core.ErrForbidden) true.
func (e *RateLimitError) Is(target error) bool { return target == core.ErrForbidden }

// Sign-in refusals, with messages fit for the sign-in page. Each matches
// core.ErrUnauthorized or core.ErrForbidden.
var (
	// ErrBadCredentials: unknown login or wrong password (never which).
	ErrBadCredentials = core.Errorf(core.ErrUnauthorized, "Invalid e-mail address, username or password.")
	// ErrSuspended: the account is suspended.
	ErrSuspended = core.Errorf(core.ErrForbidden, "Your account has been suspended.")
	// ErrNotApproved: staff have not yet approved the sign-up.
	ErrNotApproved = core.Errorf(core.ErrForbidden, "Your account is waiting for approval by the staff of this server.")
	// ErrNotConfirmed: the e-mail address is not yet confirmed.
	ErrNotConfirmed = core.Errorf(core.ErrForbidden, "You need to confirm your e-mail address before signing in.")
)
