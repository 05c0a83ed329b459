// Package instance holds what this Rounds instance is: its domain, scheme,
// name and policies, and the URLs of its local actors that follow from them.
//
// It imports only the standard library.
package instance

import (
	"fmt"
	"net"
	"strings"
)

// Registration modes.
const (
	RegistrationsClosed   = "closed"
	RegistrationsApproval = "approval"
	RegistrationsOpen     = "open"
)

// Federation modes.
const (
	FederationOpen      = "open"
	FederationAllowlist = "allowlist"
)

// Config describes the instance. Defaults are filled by cmd/rounds.
type Config struct {
	// Domain is host[:port] as it appears in every URL and acct: URI.
	Domain string
	// Protocol is "https", or "http" for local use and tests.
	Protocol string
	// Name, Description and ContactEmail appear in the instance and NodeInfo documents.
	Name         string
	Description  string
	ContactEmail string
	// Registrations is closed, approval or open.
	Registrations string
	// FederationMode is open or allowlist.
	FederationMode string
	// Version is the Rounds release, e.g. "0.1.0".
	Version string
}

// DefaultProtocol returns "http" for localhost and loopback domains and
// "https" for every other.
func DefaultProtocol(domain string) string {
	host := domain
	if h, _, err := net.SplitHostPort(domain); err == nil {
		host = h
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return "http"
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return "http"
	}
	return "https"
}

// FieldError names the Config field that failed validation, by its
// configuration key (domain, protocol, registrations, federation_mode).
type FieldError struct {
	Key string
	Msg string
}

// Error returns the message.
func (e *FieldError) Error() string { return e.Key + ": " + e.Msg }

// Validate checks the fields that the rest of Rounds relies on.
func (c Config) Validate() error {
	if c.Domain == "" || strings.ContainsAny(c.Domain, "/ @?#") {
		return &FieldError{"domain", fmt.Sprintf("%q must be host[:port]", c.Domain)}
	}
	if c.Protocol != "http" && c.Protocol != "https" {
		return &FieldError{"protocol", fmt.Sprintf("%q must be https or http", c.Protocol)}
	}
	switch c.Registrations {
	case RegistrationsClosed, RegistrationsApproval, RegistrationsOpen:
	default:
		return &FieldError{"registrations", fmt.Sprintf("%q must be closed, approval or open", c.Registrations)}
	}
	switch c.FederationMode {
	case FederationOpen, FederationAllowlist:
	default:
		return &FieldError{"federation_mode", fmt.Sprintf("%q must be open or allowlist", c.FederationMode)}
	}
	return nil
}

// BaseURL is the scheme and domain, without a trailing slash.
func (c Config) BaseURL() string { return c.Protocol + "://" + c.Domain }

// Host is the domain without its port: the name used for the instance actor.
func (c Config) Host() string {
	if h, _, err := net.SplitHostPort(c.Domain); err == nil {
		return h
	}
	return c.Domain
}

// ActorURL is the ActivityPub id of the local account with that username.
func (c Config) ActorURL(username string) string { return c.BaseURL() + "/users/" + username }

// ProfileURL is the HTML profile page of a local account.
func (c Config) ProfileURL(username string) string { return c.BaseURL() + "/@" + username }

// InstanceActorURL is the ActivityPub id of the instance actor.
func (c Config) InstanceActorURL() string { return c.BaseURL() + "/actor" }

// Acct is the acct: form of a local username, user@domain.
func (c Config) Acct(username string) string { return username + "@" + c.Domain }
