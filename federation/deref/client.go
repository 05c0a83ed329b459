package deref

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rounds-md/rounds/federation/signature"
)

// Defaults for Config.
const (
	// DefaultMaxBodyBytes caps fetched documents at 1 MiB, as Mastodon
	// and Lemmy do.
	DefaultMaxBodyBytes = 1 << 20
	// DefaultTimeout bounds a whole fetch, redirects and body included.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxRedirects is how many redirects a fetch follows.
	DefaultMaxRedirects = 2
)

// ActivityAccept is the Accept header of every ActivityPub fetch: both
// media types, since go-fed v1.0.0's single one is not what all servers
// key on.
const ActivityAccept = `application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"`

// activityStreamsProfile is the JSON-LD profile that makes
// application/ld+json mean ActivityStreams.
const activityStreamsProfile = "https://www.w3.org/ns/activitystreams"

// Errors of a fetch, for errors.Is.
var (
	// ErrRefusedURL: the URL (or a redirect's) has a refused scheme, no
	// host, or user information.
	ErrRefusedURL = errors.New("deref: URL refused")
	// ErrTooManyRedirects: more than Config.MaxRedirects redirects.
	ErrTooManyRedirects = errors.New("deref: too many redirects")
	// ErrTooLarge: the body is over Config.MaxBodyBytes.
	ErrTooLarge = errors.New("deref: response body too large")
	// ErrContentType: the response is not an ActivityStreams document.
	ErrContentType = errors.New("deref: not an ActivityStreams content type")
	// ErrIDMismatch: the document's id is not on the host that served it,
	// or not the id the caller asked for.
	ErrIDMismatch = errors.New("deref: document id does not match its URL")
	// ErrNotFound: the server answered 404.
	ErrNotFound = errors.New("deref: not found")
	// ErrGone: the server answered 410: the object or actor was deleted.
	ErrGone = errors.New("deref: gone")
	// ErrStatus: the server answered another non-200 status.
	ErrStatus = errors.New("deref: unexpected status")
	// ErrInvalidDocument: the body is not the JSON object expected.
	ErrInvalidDocument = errors.New("deref: invalid document")
)

// Config holds the client's settings; zero values take the defaults.
type Config struct {
	// AllowPrivateAddresses lets fetches reach loopback, private and
	// link-local addresses and use plain http: tests and labs only. It is
	// federation.Config's setting of the same name.
	AllowPrivateAddresses bool
	// MaxBodyBytes caps response bodies; default DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Timeout bounds a whole fetch; default DefaultTimeout.
	Timeout time.Duration
	// MaxRedirects is how many redirects a fetch follows; default
	// DefaultMaxRedirects.
	MaxRedirects int
	// UserAgent is sent with every request; see UserAgent.
	UserAgent string
}

// UserAgent is the User-Agent Rounds sends: "Rounds/VERSION (+BASE_URL)".
func UserAgent(version, baseURL string) string {
	return "Rounds/" + version + " (+" + baseURL + ")"
}

// Client fetches documents from other servers. It is safe for concurrent use.
type Client struct {
	cfg    Config
	http   *http.Client
	signer *signature.Signer
}

// NewClient returns a Client that signs its ActivityPub GETs with signer
// (the instance actor's key), or leaves them unsigned when signer is nil.
func NewClient(cfg Config, signer *signature.Signer) *Client {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxRedirects <= 0 {
		cfg.MaxRedirects = DefaultMaxRedirects
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "Rounds"
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	if !cfg.AllowPrivateAddresses {
		dialer.Control = dialControl
	}
	transport := &http.Transport{
		Proxy:                  nil, // a proxy would dial the target, out of reach of the address check
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           100,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    5 * time.Second,
		ResponseHeaderTimeout:  cfg.Timeout,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	c := &Client{cfg: cfg, signer: signer}
	c.http = &http.Client{Transport: transport, Timeout: cfg.Timeout, CheckRedirect: c.checkRedirect}
	return c
}

// checkRedirect allows MaxRedirects hops to acceptable URLs, signing each
// hop anew when the first request was signed.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > c.cfg.MaxRedirects {
		return fmt.Errorf("%w: more than %d", ErrTooManyRedirects, c.cfg.MaxRedirects)
	}
	if err := c.checkURL(req.URL); err != nil {
		return err
	}
	if c.signer != nil && via[0].Header.Get("Signature") != "" {
		if err := c.signer.SignGet(req); err != nil {
			return fmt.Errorf("deref: sign redirect: %w", err)
		}
	}
	return nil
}

// checkURL accepts absolute https URLs (http too when private addresses
// are allowed) with a host and no user information.
func (c *Client) checkURL(u *url.URL) error {
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && c.cfg.AllowPrivateAddresses:
	default:
		return fmt.Errorf("%w: scheme %q", ErrRefusedURL, u.Scheme)
	}
	if u.Host == "" || u.Hostname() == "" {
		return fmt.Errorf("%w: no host", ErrRefusedURL)
	}
	if u.User != nil {
		return fmt.Errorf("%w: user information in URL", ErrRefusedURL)
	}
	return nil
}

// parseURL parses and checks a URL to fetch, dropping any fragment.
func (c *Client) parseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRefusedURL, err)
	}
	if err := c.checkURL(u); err != nil {
		return nil, err
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

// Document is a fetched ActivityStreams document.
type Document struct {
	// ID is the document's id: the URL asked for, or another URL on the
	// host that served it (a key URL served its actor, a redirect).
	ID string
	// FinalURL is where the document came from, after redirects.
	FinalURL string
	// Body is the raw JSON.
	Body []byte
}

// Get fetches the ActivityStreams document at rawURL (any fragment
// dropped), signed when the Client has a signer. It refuses a non-200
// answer, a Content-Type other than application/activity+json or
// application/ld+json with the ActivityStreams profile, a body over the
// cap, a body that is not a JSON object with a string id, and an id that
// is not on the host of the final URL (see checkID). Callers that need the
// document at exactly rawURL compare Document.ID themselves.
func (c *Client) Get(ctx context.Context, rawURL string) (*Document, error) {
	return c.get(ctx, c.http, rawURL, c.signer)
}

// GetAs is Get signed by signer (a local account's own key) instead of
// the Client's, for a fetch made on that account's behalf. It follows no
// redirect (a 3xx is ErrStatus): a signature naming a person must reach
// only the server asked.
func (c *Client) GetAs(ctx context.Context, rawURL string, signer *signature.Signer) (*Document, error) {
	hc := &http.Client{
		Transport: c.http.Transport, Timeout: c.cfg.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c.get(ctx, hc, rawURL, signer)
}

// get is Get through hc, signed by signer when not nil.
func (c *Client) get(ctx context.Context, hc *http.Client, rawURL string, signer *signature.Signer) (*Document, error) {
	u, err := c.parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	resp, err := c.send(ctx, hc, u, ActivityAccept, signer)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if err := checkStatus(resp); err != nil {
		return nil, err
	}
	if ct := resp.Header.Get("Content-Type"); !IsActivityType(ct) {
		return nil, fmt.Errorf("%w: %q from %s", ErrContentType, ct, u.Host)
	}
	body, err := c.readBody(resp)
	if err != nil {
		return nil, err
	}
	var head struct {
		ID any `json:"id"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidDocument, err)
	}
	id, _ := head.ID.(string)
	if id == "" {
		return nil, fmt.Errorf("%w: no id", ErrInvalidDocument)
	}
	final := resp.Request.URL
	if err := checkID(id, final); err != nil {
		return nil, err
	}
	return &Document{ID: id, FinalURL: final.String(), Body: body}, nil
}

// checkID accepts a document id only on the host that actually served the
// document, whether or not it is the URL asked for (a profile URL or a
// GoToSocial key URL serves its actor's id; a redirect may move the
// document). An id equal to the URL asked for but served by another host
// after a redirect is refused: an open redirect on the first host must not
// let a third party speak for it (Mastodon GHSA-3fjr-858r-92rw).
func checkID(id string, final *url.URL) error {
	iu, err := url.Parse(id)
	if err != nil || (iu.Scheme != "https" && iu.Scheme != "http") || iu.Host == "" {
		return fmt.Errorf("%w: id %q is not an http(s) URL", ErrIDMismatch, id)
	}
	if !strings.EqualFold(iu.Host, final.Host) {
		return fmt.Errorf("%w: %s served a document with id %s", ErrIDMismatch, final.Host, id)
	}
	return nil
}

// do sends one GET with the common headers, signed by the Client's
// signer if asked.
func (c *Client) do(ctx context.Context, u *url.URL, accept string, signed bool) (*http.Response, error) {
	var signer *signature.Signer
	if signed {
		signer = c.signer
	}
	return c.send(ctx, c.http, u, accept, signer)
}

// send sends one GET through hc with the common headers, signed by signer
// when not nil.
func (c *Client) send(ctx context.Context, hc *http.Client, u *url.URL, accept string, signer *signature.Signer) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("deref: %w", err)
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	if signer != nil {
		if err := signer.SignGet(req); err != nil {
			return nil, fmt.Errorf("deref: %w", err)
		}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("deref: get %s: %w", u.Host, err)
	}
	return resp, nil
}

// checkStatus turns non-200 answers into errors.
func checkStatus(resp *http.Response) error {
	switch resp.StatusCode {
	case http.StatusOK:
		return nil
	case http.StatusNotFound:
		return fmt.Errorf("%w: %s", ErrNotFound, resp.Request.URL.Host)
	case http.StatusGone:
		return fmt.Errorf("%w: %s", ErrGone, resp.Request.URL.Host)
	}
	return fmt.Errorf("%w: %d from %s", ErrStatus, resp.StatusCode, resp.Request.URL.Host)
}

// readBody reads the whole body, refusing one over the cap.
func (c *Client) readBody(resp *http.Response) ([]byte, error) {
	max := c.cfg.MaxBodyBytes
	if resp.ContentLength > max {
		return nil, fmt.Errorf("%w: %d bytes announced, cap %d", ErrTooLarge, resp.ContentLength, max)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("deref: read body: %w", err)
	}
	if int64(len(body)) > max {
		return nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, max)
	}
	return body, nil
}

// IsActivityType reports whether a Content-Type names an ActivityStreams
// document: application/activity+json, or application/ld+json whose
// profile parameter lists the ActivityStreams profile (Mastodon's rule
// since 4.2.5).
func IsActivityType(contentType string) bool {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch mt {
	case "application/activity+json":
		return true
	case "application/ld+json":
		for _, p := range strings.Fields(params["profile"]) {
			if p == activityStreamsProfile {
				return true
			}
		}
	}
	return false
}
