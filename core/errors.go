package core

import (
	"errors"
	"fmt"
)

// The kinds of failure a rule can report. web/errors.go turns them into
// HTTP statuses; the CLI into messages.
var (
	// ErrNotFound: the thing asked for does not exist, or the caller may not know it does.
	ErrNotFound = errors.New("not found")
	// ErrForbidden: the caller is known but may not do this.
	ErrForbidden = errors.New("forbidden")
	// ErrUnauthorized: the caller must sign in (or sign the request) first.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrInvalid: the input breaks a rule; see InvalidError for the field.
	ErrInvalid = errors.New("invalid")
	// ErrConflict: the change clashes with what is stored (a taken name).
	ErrConflict = errors.New("conflict")
	// ErrGone: the thing existed and was removed or suspended.
	ErrGone = errors.New("gone")
	// ErrTooMany: the caller did this too often; it may try again later.
	ErrTooMany = errors.New("too many requests")
	// ErrUnavailable: another server the request needed did not answer as
	// it should (down, refused, or answered with something else).
	ErrUnavailable = errors.New("unavailable")
)

// InvalidError says which input field broke which rule. It matches
// ErrInvalid with errors.Is.
type InvalidError struct {
	Field  string
	Reason string
}

// Error returns "field: reason".
func (e *InvalidError) Error() string {
	if e.Field == "" {
		return e.Reason
	}
	return fmt.Sprintf("%s %s", e.Field, e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// Invalid returns an InvalidError for field.
func Invalid(field, reason string) error { return &InvalidError{Field: field, Reason: reason} }

// KindError is an error of one of the kinds above with a message fit for
// the person who caused it. It matches its kind with errors.Is.
type KindError struct {
	Kind error
	Msg  string
}

// Error returns the message.
func (e *KindError) Error() string { return e.Msg }

// Is makes errors.Is(err, e.Kind) true.
func (e *KindError) Is(target error) bool { return target == e.Kind }

// Errorf returns a KindError of kind with a formatted, user-facing message.
func Errorf(kind error, format string, a ...any) error {
	return &KindError{Kind: kind, Msg: fmt.Sprintf(format, a...)}
}
