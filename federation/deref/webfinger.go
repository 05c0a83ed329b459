package deref

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"strings"

	"github.com/rounds-md/rounds/core/instance"
)

// Errors of a WebFinger lookup, for errors.Is.
var (
	// ErrInvalidAcct: the address is not user@domain.
	ErrInvalidAcct = errors.New("deref: invalid account address")
	// ErrSubjectMismatch: the answer is about another account.
	ErrSubjectMismatch = errors.New("deref: webfinger subject does not match")
	// ErrNoActor: the answer has no self link of an ActivityStreams type.
	ErrNoActor = errors.New("deref: webfinger names no actor")
)

// jrdAccept is the Accept header of WebFinger requests.
const jrdAccept = "application/jrd+json, application/json"

// Acct is a user@domain account address.
type Acct struct {
	Username string
	Domain   string // host[:port], lower-case
}

// String returns user@domain.
func (a Acct) String() string { return a.Username + "@" + a.Domain }

// ParseAcct reads "user@domain", "@user@domain" or "acct:user@domain".
func ParseAcct(s string) (Acct, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "acct:")
	s = strings.TrimPrefix(s, "@")
	user, domain, ok := strings.Cut(s, "@")
	if !ok || user == "" || domain == "" ||
		strings.ContainsAny(user, "/?#@: \t\r\n") || strings.ContainsAny(domain, "/?#@\\ \t\r\n%") {
		return Acct{}, fmt.Errorf("%w: %q", ErrInvalidAcct, s)
	}
	if u, err := url.Parse("https://" + domain); err != nil || u.Host != domain || u.Hostname() == "" {
		return Acct{}, fmt.Errorf("%w: %q", ErrInvalidAcct, s)
	}
	return Acct{Username: user, Domain: strings.ToLower(domain)}, nil
}

// jrd is the part of a WebFinger answer (RFC 7033) Rounds reads.
type jrd struct {
	Subject string `json:"subject"`
	Links   []struct {
		Rel  string `json:"rel"`
		Type string `json:"type"`
		Href string `json:"href"`
	} `json:"links"`
}

// Finger asks the account's server, over WebFinger, for the id of the
// actor behind acct: the href of the rel="self" link with an ActivityStreams
// type, an https URL (http too when private addresses are allowed). The
// answer's subject must be the account asked for; a server that answers
// with another acct: subject (GoToSocial with a separate account domain)
// is asked again about that subject, which must name the same actor.
func (c *Client) Finger(ctx context.Context, acct string) (string, error) {
	a, err := ParseAcct(acct)
	if err != nil {
		return "", err
	}
	ans, err := c.finger(ctx, a)
	if err != nil {
		return "", err
	}
	if strings.EqualFold(ans.Subject, "acct:"+a.String()) {
		return c.selfLink(ans)
	}
	other, err := ParseAcct(ans.Subject)
	if err != nil {
		return "", fmt.Errorf("%w: asked for %s, got %q", ErrSubjectMismatch, a, ans.Subject)
	}
	href, err := c.selfLink(ans)
	if err != nil {
		return "", err
	}
	again, err := c.finger(ctx, other)
	if err != nil {
		return "", fmt.Errorf("%w: asked for %s, got %s, which does not answer: %w", ErrSubjectMismatch, a, other, err)
	}
	if !strings.EqualFold(again.Subject, "acct:"+other.String()) {
		return "", fmt.Errorf("%w: asked for %s, got %q", ErrSubjectMismatch, other, again.Subject)
	}
	href2, err := c.selfLink(again)
	if err != nil {
		return "", err
	}
	if href2 != href {
		return "", fmt.Errorf("%w: %s and %s name different actors", ErrSubjectMismatch, a, other)
	}
	return href, nil
}

// finger fetches and decodes one WebFinger answer.
func (c *Client) finger(ctx context.Context, a Acct) (*jrd, error) {
	scheme := "https"
	if c.cfg.AllowPrivateAddresses && instance.DefaultProtocol(a.Domain) == "http" {
		scheme = "http" // a Rounds test instance on a loopback address
	}
	u := &url.URL{
		Scheme: scheme, Host: a.Domain, Path: "/.well-known/webfinger",
		RawQuery: url.Values{"resource": {"acct:" + a.String()}}.Encode(),
	}
	if err := c.checkURL(u); err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, u, jrdAccept, false)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if err := checkStatus(resp); err != nil {
		return nil, err
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err != nil ||
		(mt != "application/jrd+json" && mt != "application/json") {
		return nil, fmt.Errorf("%w: webfinger answered %q", ErrContentType, resp.Header.Get("Content-Type"))
	}
	body, err := c.readBody(resp)
	if err != nil {
		return nil, err
	}
	var ans jrd
	if err := json.Unmarshal(body, &ans); err != nil {
		return nil, fmt.Errorf("%w: webfinger: %v", ErrInvalidDocument, err)
	}
	return &ans, nil
}

// selfLink returns the checked href of the answer's ActivityStreams self link.
func (c *Client) selfLink(ans *jrd) (string, error) {
	for _, l := range ans.Links {
		if l.Rel != "self" || !IsActivityType(l.Type) {
			continue
		}
		u, err := url.Parse(l.Href)
		if err != nil {
			return "", fmt.Errorf("%w: self link: %v", ErrRefusedURL, err)
		}
		if err := c.checkURL(u); err != nil {
			return "", err
		}
		return l.Href, nil
	}
	return "", fmt.Errorf("%w: %s", ErrNoActor, ans.Subject)
}
