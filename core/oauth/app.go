package oauth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/storage"
)

// OOB is the redirect URI of clients that show the code for the user to
// paste (toot, Mastodon.py).
const OOB = "urn:ietf:wg:oauth:2.0:oob"

// Registration limits, as Mastodon's.
const (
	maxAppName      = 60
	maxURILength    = 2000
	maxRedirectURIs = 20
)

// NewApp is what POST /api/v1/apps registers.
type NewApp struct {
	Name    string
	Website string
	// RedirectURIs are the URIs as sent: each element may itself hold
	// several separated by whitespace or newlines.
	RedirectURIs []string
	// Scopes is the space-separated scope list; "" means read.
	Scopes string
}

// RegisterApp validates and stores a new app and returns it with its
// client secret, which is shown only now. Invalid input is an
// *core.InvalidError.
func (s *Service) RegisterApp(ctx context.Context, n NewApp) (*storage.OAuthApp, string, error) {
	name := strings.TrimSpace(n.Name)
	if name == "" {
		return nil, "", fmt.Errorf("oauth: register app: %w", core.Invalid("client_name", "can't be blank"))
	}
	if utf8.RuneCountInString(name) > maxAppName {
		return nil, "", fmt.Errorf("oauth: register app: %w", core.Invalid("client_name", fmt.Sprintf("is too long (maximum is %d characters)", maxAppName)))
	}
	website := strings.TrimSpace(n.Website)
	if website != "" {
		u, err := url.Parse(website)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(website) > maxURILength {
			return nil, "", fmt.Errorf("oauth: register app: %w", core.Invalid("website", "is invalid"))
		}
	}
	var uris []string
	for _, el := range n.RedirectURIs {
		for _, u := range strings.Fields(el) {
			if !slices.Contains(uris, u) {
				uris = append(uris, u)
			}
		}
	}
	if len(uris) == 0 {
		return nil, "", fmt.Errorf("oauth: register app: %w", core.Invalid("redirect_uris", "can't be blank"))
	}
	if len(uris) > maxRedirectURIs {
		return nil, "", fmt.Errorf("oauth: register app: %w", core.Invalid("redirect_uris", fmt.Sprintf("are too many (maximum is %d)", maxRedirectURIs)))
	}
	for _, u := range uris {
		if err := ValidateRedirectURI(u); err != nil {
			return nil, "", fmt.Errorf("oauth: register app: %w", err)
		}
	}
	scopes, err := ParseScopes(n.Scopes)
	if err != nil {
		var unk *UnknownScopeError
		if errors.As(err, &unk) {
			return nil, "", fmt.Errorf("oauth: register app: %w", core.Invalid("scopes", fmt.Sprintf("contain an unknown scope %q", unk.Scope)))
		}
		return nil, "", err
	}
	secret := newSecret()
	app := &storage.OAuthApp{
		Name: name, Website: website, RedirectURIs: strings.Join(uris, "\n"), Scopes: scopes.String(),
		ClientID: newSecret(), ClientSecretHash: hashSecret(secret),
	}
	if err := s.store.CreateOAuthApp(ctx, app); err != nil {
		return nil, "", fmt.Errorf("oauth: register app: %w", err)
	}
	s.log.InfoContext(ctx, "oauth app registered", "app_id", app.ID)
	return app, secret, nil
}

// ValidateRedirectURI accepts the out-of-band URN and any absolute URI
// without a fragment whose scheme is not one a browser would run
// (javascript:, data:, vbscript:), so custom schemes such as
// oauth2redirect://com.keylesspalace.tusky/ and
// com.tapbots.Ivory.19300:/request_token/UUID pass, as on Mastodon.
func ValidateRedirectURI(raw string) error {
	if raw == OOB {
		return nil
	}
	if len(raw) > maxURILength {
		return core.Invalid("redirect_uri", "is too long")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || (u.Opaque == "" && u.Host == "" && u.Path == "") {
		return core.Invalid("redirect_uri", "must be an absolute URI.")
	}
	switch strings.ToLower(u.Scheme) {
	case "javascript", "data", "vbscript":
		return core.Invalid("redirect_uri", "uses a forbidden scheme.")
	case "http", "https":
		if u.Host == "" {
			return core.Invalid("redirect_uri", "must be an absolute URI.")
		}
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return core.Invalid("redirect_uri", "cannot contain a fragment.")
	}
	return nil
}

// AppRedirectURIs returns an app's registered redirect URIs in order.
func AppRedirectURIs(a *storage.OAuthApp) []string { return strings.Split(a.RedirectURIs, "\n") }

// AppScopes returns the scopes an app registered.
func AppScopes(a *storage.OAuthApp) Scopes { return scopesOf(a.Scopes) }

// App returns the app with that client ID: core.ErrNotFound when none.
func (s *Service) App(ctx context.Context, clientID string) (*storage.OAuthApp, error) {
	if clientID == "" {
		return nil, fmt.Errorf("oauth: app: %w", core.ErrNotFound)
	}
	a, err := s.store.OAuthAppByClientID(ctx, clientID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("oauth: app: %w", core.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("oauth: app: %w", err)
	}
	return a, nil
}

// AuthenticateClient returns the app whose client ID and secret these are,
// or an *Error invalid_client.
func (s *Service) AuthenticateClient(ctx context.Context, clientID, secret string) (*storage.OAuthApp, error) {
	if clientID == "" || secret == "" {
		return nil, errInvalidClient
	}
	a, err := s.App(ctx, clientID)
	if errors.Is(err, core.ErrNotFound) {
		return nil, errInvalidClient
	}
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(hashSecret(secret)), []byte(a.ClientSecretHash)) != 1 {
		return nil, errInvalidClient
	}
	return a, nil
}
