package signature

import (
	"errors"
	"fmt"
)

// Kinds of refusal. Every error Verify returns is an *Error whose Kind is
// one of these, so errors.Is(err, ErrDate) and the like work, and
// errors.As(err, new(*Error)) tells the inbox to answer 401.
var (
	// ErrMissing: the request carries no Signature header.
	ErrMissing = errors.New("request is not signed")
	// ErrMalformed: the Signature header cannot be read.
	ErrMalformed = errors.New("malformed signature header")
	// ErrAlgorithm: the algorithm parameter names one Rounds does not accept.
	ErrAlgorithm = errors.New("unsupported signature algorithm")
	// ErrHeaders: a header that must be signed is not, or is absent.
	ErrHeaders = errors.New("required header not signed")
	// ErrDate: the Date header is missing, unreadable or outside the window.
	ErrDate = errors.New("date outside the accepted window")
	// ErrDigest: the Digest or Content-Digest does not match the body.
	ErrDigest = errors.New("body digest mismatch")
	// ErrKey: the key could not be found or fetched, or is unusable.
	ErrKey = errors.New("signing key unavailable")
	// ErrInvalid: the signature does not verify with the signer's key.
	ErrInvalid = errors.New("signature does not verify")
	// ErrOwner: the key's owner is not the actor the request speaks for.
	ErrOwner = errors.New("key owner is not the actor")
)

// Error is a refused signature. Its message is safe to send back to the
// sender (it names headers and key ids, never body content), which helps
// other servers' operators as Mastodon's precise messages do.
type Error struct {
	// Kind is one of the Err* values above.
	Kind error
	// Msg says what exactly was wrong.
	Msg string
	// Cause is an underlying error (a failed key fetch), or nil.
	Cause error
}

// Error returns the kind and the detail.
func (e *Error) Error() string {
	if e.Msg == "" {
		return "signature: " + e.Kind.Error()
	}
	return "signature: " + e.Kind.Error() + ": " + e.Msg
}

// Unwrap returns the kind and the cause, for errors.Is.
func (e *Error) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Kind, e.Cause}
	}
	return []error{e.Kind}
}

// refuse builds an *Error.
func refuse(kind error, format string, args ...any) *Error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}
