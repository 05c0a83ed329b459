package deref

import (
	"bytes"
	"context"
	"fmt"
	"net/http"

	"github.com/rounds-md/rounds/federation/signature"
)

// Post delivers an activity: it POSTs body to inbox as
// application/activity+json, signed by signer over (request-target) host
// date digest, through the same address checks as every fetch. It follows
// no redirect (a redirected POST is an answer to report, not to chase).
// The caller reads and closes the response body.
func (c *Client) Post(ctx context.Context, inbox string, body []byte, signer *signature.Signer) (*http.Response, error) {
	u, err := c.parseURL(inbox)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("deref: %w", err)
	}
	req.Header.Set("Content-Type", `application/activity+json`)
	req.Header.Set("Accept", ActivityAccept)
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	if err := signer.SignPost(req, body); err != nil {
		return nil, fmt.Errorf("deref: %w", err)
	}
	hc := &http.Client{
		Transport: c.http.Transport, Timeout: c.cfg.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("deref: post to %s: %w", u.Host, err)
	}
	return resp, nil
}
