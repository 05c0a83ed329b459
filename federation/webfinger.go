package federation

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/storage"
)

// WebFinger link relations and types Rounds writes.
const (
	RelSelf        = "self"
	RelProfilePage = "http://webfinger.net/rel/profile-page"
	RelLRDD        = "lrdd"
)

// maxResourceLength bounds the resource parameter of a WebFinger query.
const maxResourceLength = 512

// JRD is a JSON Resource Descriptor (RFC 7033 section 4.4), the body of a
// WebFinger answer and of host-meta.json.
type JRD struct {
	Subject string    `json:"subject,omitempty"`
	Aliases []string  `json:"aliases,omitempty"`
	Links   []JRDLink `json:"links"`
}

// JRDLink is one link of a JRD.
type JRDLink struct {
	Rel      string `json:"rel"`
	Type     string `json:"type,omitempty"`
	Href     string `json:"href,omitempty"`
	Template string `json:"template,omitempty"`
}

// Resource is what a WebFinger resource names on this instance.
type Resource struct {
	// Username is the local username asked for, as written (compare it
	// without case).
	Username string
	// InstanceActor is set when the resource names the instance actor
	// (acct:HOST@DOMAIN or the /actor URL); Username is then empty.
	InstanceActor bool
}

// ParseResource reads a WebFinger resource parameter: acct:user@domain
// (the "acct:" may be left out), the actor URL http(s)://domain/users/user,
// the profile URL http(s)://domain/@user, or the instance actor as
// acct:HOST@DOMAIN or http(s)://domain/actor. A missing or malformed
// resource is core.ErrInvalid; a well-formed one on another domain, or a
// URL on this domain that names no actor, is core.ErrNotFound.
func ParseResource(inst instance.Config, resource string) (Resource, error) {
	resource = strings.TrimSpace(resource)
	switch {
	case resource == "":
		return Resource{}, core.Invalid("resource", "is required")
	case len(resource) > maxResourceLength:
		return Resource{}, core.Invalid("resource", "is too long")
	}
	lower := strings.ToLower(resource)
	if strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") {
		return parseResourceURL(inst, resource)
	}
	acct := resource
	if strings.HasPrefix(lower, "acct:") {
		acct = resource[len("acct:"):]
	}
	acct = strings.TrimPrefix(acct, "@")
	at := strings.LastIndex(acct, "@")
	if at <= 0 || at == len(acct)-1 {
		return Resource{}, core.Invalid("resource", "must be acct:user@domain or an actor URL")
	}
	user, domain := acct[:at], acct[at+1:]
	if strings.ContainsAny(user, "@/?# ") || strings.ContainsAny(domain, "/?#@ ") {
		return Resource{}, core.Invalid("resource", "must be acct:user@domain or an actor URL")
	}
	if !strings.EqualFold(domain, inst.Domain) {
		return Resource{}, notHere()
	}
	if strings.EqualFold(user, inst.Host()) {
		return Resource{InstanceActor: true}, nil
	}
	return Resource{Username: user}, nil
}

// parseResourceURL reads an actor or profile URL on this instance.
func parseResourceURL(inst instance.Config, resource string) (Resource, error) {
	u, err := url.Parse(resource)
	if err != nil || u.Host == "" || u.User != nil {
		return Resource{}, core.Invalid("resource", "is not a valid URL")
	}
	if !strings.EqualFold(u.Host, inst.Domain) {
		return Resource{}, notHere()
	}
	path := strings.TrimSuffix(u.Path, "/")
	switch {
	case path == "/actor":
		return Resource{InstanceActor: true}, nil
	case strings.HasPrefix(path, "/users/"):
		path = path[len("/users/"):]
	case strings.HasPrefix(path, "/@"):
		path = path[len("/@"):]
	default:
		return Resource{}, notHere()
	}
	if path == "" || strings.Contains(path, "/") {
		return Resource{}, notHere()
	}
	return Resource{Username: path}, nil
}

// notHere is the error for a resource this instance does not answer for.
func notHere() error {
	return fmt.Errorf("federation: webfinger: %w", core.ErrNotFound)
}

// WebFinger returns the JRD describing a local account: its acct: subject,
// its actor and profile URLs as aliases, a self link to the actor and, for
// everyone but the instance actor, a profile-page link.
func WebFinger(inst instance.Config, a *storage.Account) (JRD, error) {
	if !a.Local() {
		return JRD{}, errors.New("federation: webfinger: not a local account")
	}
	u := LocalActorURLs(inst, a)
	j := JRD{
		Subject: "acct:" + inst.Acct(a.Username),
		Aliases: []string{u.ID},
		Links:   []JRDLink{{Rel: RelSelf, Type: ActivityContentType, Href: u.ID}},
	}
	if u.Profile != "" {
		j.Aliases = append(j.Aliases, u.Profile)
		j.Links = append(j.Links, JRDLink{Rel: RelProfilePage, Type: "text/html", Href: u.Profile})
	}
	return j, nil
}
