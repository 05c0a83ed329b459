package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// errNotLoopback is returned for any connection to an address other
// than 127.0.0.1: the tool measures a local server and nothing else.
var errNotLoopback = errors.New("rounds-load only connects to 127.0.0.1")

// newHTTPClient returns a client with room for conns keep-alive
// connections, no proxy and no compression, that can only dial
// 127.0.0.1.
func newHTTPClient(conns int) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err != nil || host != "127.0.0.1" {
				return nil, errNotLoopback
			}
			return d.DialContext(ctx, "tcp4", addr)
		},
		MaxIdleConns:        conns * 2,
		MaxIdleConnsPerHost: conns * 2,
		MaxConnsPerHost:     conns * 2,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// checkTarget accepts only http://127.0.0.1:PORT base URLs.
func checkTarget(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	if u.Scheme != "http" || u.Hostname() != "127.0.0.1" || u.Port() == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return "", fmt.Errorf("-target %q: must be http://127.0.0.1:PORT (the tool measures a local server only)", raw)
	}
	return "http://" + u.Host, nil
}

// api is the tool's view of the server under test.
type api struct {
	base string
	hc   *http.Client
}

// postForm POSTs a form and decodes a 200 JSON answer into out.
func (a *api) postForm(ctx context.Context, path string, form url.Values, token string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return a.decode(req, out)
}

// get GETs path and decodes a 200 JSON answer into out.
func (a *api) get(ctx context.Context, path, token string, out any) (http.Header, error) {
	ans, err := a.getAnswer(ctx, path, token)
	if err != nil {
		return nil, err
	}
	return ans.Header, json.Unmarshal(ans.Body, out)
}

// getAnswer GETs path and returns its 200 answer: headers and bytes.
func (a *api) getAnswer(ctx context.Context, path, token string) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+path, nil)
	if err != nil {
		return answer{}, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	ans := answer{URI: path}
	err = a.decodeWith(req, nil, func(res *http.Response, body []byte) { ans.Header, ans.Body = res.Header, body })
	return ans, err
}

func (a *api) decode(req *http.Request, out any) error { return a.decodeWith(req, out, nil) }

func (a *api) decodeWith(req *http.Request, out any, seen func(*http.Response, []byte)) error {
	res, err := a.hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %d %s", req.Method, req.URL.Path, res.StatusCode, truncate(string(b), 200))
	}
	if seen != nil {
		seen(res, b)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// signIn registers an app and signs in the first n seeded accounts with
// the password grant (two at a time: each sign-in is an argon2id
// verification), returning their tokens in order.
func (a *api) signIn(ctx context.Context, n int) ([]string, error) {
	var app struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	err := a.postForm(ctx, "/api/v1/apps", url.Values{
		"client_name": {"rounds-load"}, "redirect_uris": {"urn:ietf:wg:oauth:2.0:oob"}, "scopes": {"read write follow"},
	}, "", &app)
	if err != nil {
		return nil, fmt.Errorf("register app: %w", err)
	}
	tokens := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i := range tokens {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			var tok struct {
				AccessToken string `json:"access_token"`
			}
			errs[i] = a.postForm(ctx, "/oauth/token", url.Values{
				"grant_type": {"password"}, "client_id": {app.ClientID}, "client_secret": {app.ClientSecret},
				"username": {username(i + 1)}, "password": {password}, "scope": {"read write follow"},
			}, "", &tok)
			tokens[i] = tok.AccessToken
		}(i)
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("sign in: %w", err)
	}
	return tokens, nil
}
