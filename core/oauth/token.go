package oauth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/storage"
)

// Grant types of the token endpoint.
const (
	GrantAuthorizationCode = "authorization_code"
	GrantClientCredentials = "client_credentials"
	GrantPassword          = "password"
	GrantRefreshToken      = "refresh_token"
)

// TokenRequest is a POST /oauth/token request, client credentials
// already taken from the body or the Authorization header.
type TokenRequest struct {
	GrantType    string
	ClientID     string
	ClientSecret string
	// Code, RedirectURI and CodeVerifier are for authorization_code.
	Code         string
	RedirectURI  string
	CodeVerifier string
	// Scope is for client_credentials, password and (to narrow) refresh_token.
	Scope string
	// Username (e-mail or username) and Password are for password.
	Username string
	Password string
	// RefreshToken is for refresh_token.
	RefreshToken string
	// IP is the client's address, for the sign-in limiter.
	IP string
}

// Issued is a freshly issued token, the only time its secrets are known.
type Issued struct {
	AccessToken string
	// RefreshToken is "" for app-only tokens.
	RefreshToken string
	Scopes       Scopes
	CreatedAt    time.Time
}

// GrantTypes lists the grant types the token endpoint accepts.
func (s *Service) GrantTypes() []string {
	out := []string{GrantAuthorizationCode, GrantClientCredentials, GrantRefreshToken}
	if s.cfg.PasswordGrant {
		out = append(out, GrantPassword)
	}
	return out
}

// Token answers a token request. Failures are *Error (invalid_client,
// invalid_grant, invalid_scope, unsupported_grant_type, invalid_request),
// or a *RateLimitError for a password grant after too many failures.
func (s *Service) Token(ctx context.Context, r TokenRequest) (*Issued, error) {
	switch r.GrantType {
	case GrantAuthorizationCode, GrantClientCredentials, GrantRefreshToken:
	case GrantPassword:
		if !s.cfg.PasswordGrant {
			return nil, oauthErr(CodeUnsupportedGrantType, "The password grant is disabled on this server; sign in through the browser.")
		}
	case "":
		return nil, oauthErr(CodeInvalidRequest, "The grant_type parameter is missing.")
	default:
		return nil, oauthErr(CodeUnsupportedGrantType, "The authorization grant type is not supported by the authorization server.")
	}
	app, err := s.AuthenticateClient(ctx, r.ClientID, r.ClientSecret)
	if err != nil {
		return nil, err
	}
	switch r.GrantType {
	case GrantAuthorizationCode:
		return s.exchangeCode(ctx, app, r)
	case GrantClientCredentials:
		scopes, err := s.requestedScopes(app, r.Scope)
		if err != nil {
			return nil, err
		}
		return s.issue(ctx, app, nil, nil, scopes, false)
	case GrantPassword:
		return s.passwordGrant(ctx, app, r)
	default:
		return s.refresh(ctx, app, r)
	}
}

// requestedScopes parses a grant's scope parameter (default read) and
// checks that the app registered it.
func (s *Service) requestedScopes(app *storage.OAuthApp, raw string) (Scopes, error) {
	scopes, err := ParseScopes(raw)
	if err != nil {
		return nil, oauthErr(CodeInvalidScope, "The requested scope is invalid, unknown, or malformed.")
	}
	if !AppScopes(app).Covers(scopes) {
		return nil, oauthErr(CodeInvalidScope, "The requested scope is not among the scopes the application registered.")
	}
	return scopes, nil
}

// errBadCode is the answer to every unusable authorization code.
var errBadCode = oauthErr(CodeInvalidGrant,
	"The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.")

// exchangeCode redeems an authorization code once. A code presented a
// second time also revokes the token it was first exchanged for (RFC 6749
// section 4.1.2).
func (s *Service) exchangeCode(ctx context.Context, app *storage.OAuthApp, r TokenRequest) (*Issued, error) {
	if r.Code == "" {
		return nil, oauthErr(CodeInvalidRequest, "The code parameter is missing.")
	}
	c, err := s.store.OAuthCodeByHash(ctx, hashSecret(r.Code))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errBadCode
	}
	if err != nil {
		return nil, fmt.Errorf("oauth: exchange code: %w", err)
	}
	now := s.now()
	if c.AppID != app.ID {
		return nil, errBadCode
	}
	if c.UsedAt != nil {
		if c.TokenID != nil {
			_, err := s.store.RevokeOAuthToken(ctx, *c.TokenID)
			s.grants.forget()
			if err != nil {
				return nil, fmt.Errorf("oauth: exchange code: %w", err)
			}
			s.log.WarnContext(ctx, "oauth: code reused; its token revoked", "app_id", app.ID, "token_id", *c.TokenID)
		}
		return nil, errBadCode
	}
	if !now.Before(c.ExpiresAt) {
		return nil, errBadCode
	}
	redirect := r.RedirectURI
	if redirect == "" {
		if uris := AppRedirectURIs(app); len(uris) == 1 {
			redirect = uris[0]
		}
	}
	if redirect != c.RedirectURI {
		return nil, errBadCode
	}
	if c.CodeChallenge != "" {
		if r.CodeVerifier == "" {
			return nil, oauthErr(CodeInvalidGrant, "The code_verifier parameter is missing.")
		}
		if !verifyPKCE(c.CodeChallengeMethod, c.CodeChallenge, r.CodeVerifier) {
			return nil, oauthErr(CodeInvalidGrant, "The code_verifier does not match the code challenge.")
		}
	}
	claimed, err := s.store.ClaimOAuthCode(ctx, c.ID, now)
	if err != nil {
		return nil, fmt.Errorf("oauth: exchange code: %w", err)
	}
	if !claimed {
		return nil, errBadCode
	}
	u, a, err := s.userAndAccount(ctx, c.UserID, c.AccountID)
	if err != nil {
		return nil, err
	}
	issued, tokenID, err := s.issueRecorded(ctx, app, u, a, scopesOf(c.Scopes), true)
	if err != nil {
		return nil, err
	}
	if err := s.store.SetOAuthCodeToken(ctx, c.ID, tokenID); err != nil {
		return nil, fmt.Errorf("oauth: exchange code: %w", err)
	}
	return issued, nil
}

// passwordGrant signs in with a login and password (resource owner
// password credentials, RFC 6749 section 4.3).
func (s *Service) passwordGrant(ctx context.Context, app *storage.OAuthApp, r TokenRequest) (*Issued, error) {
	if r.Username == "" || r.Password == "" {
		return nil, oauthErr(CodeInvalidRequest, "The username and password parameters are required.")
	}
	scopes, err := s.requestedScopes(app, r.Scope)
	if err != nil {
		return nil, err
	}
	u, a, err := s.SignIn(ctx, r.Username, r.Password, r.IP)
	if err != nil {
		var rl *RateLimitError
		var kind *core.KindError
		switch {
		case errors.As(err, &rl):
			return nil, err
		case errors.As(err, &kind):
			return nil, oauthErr(CodeInvalidGrant, "%s", kind.Msg)
		}
		return nil, err
	}
	return s.issue(ctx, app, u, a, scopes, true)
}

// refresh trades a refresh token for a new token pair, revoking the old
// pair. Scope may narrow the grant, never widen it.
func (s *Service) refresh(ctx context.Context, app *storage.OAuthApp, r TokenRequest) (*Issued, error) {
	if r.RefreshToken == "" {
		return nil, oauthErr(CodeInvalidRequest, "The refresh_token parameter is missing.")
	}
	bad := oauthErr(CodeInvalidGrant, "The refresh token is invalid, revoked, or was issued to another client.")
	old, err := s.store.ActiveOAuthTokenByRefresh(ctx, hashSecret(r.RefreshToken))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, fmt.Errorf("oauth: refresh: %w", err)
	}
	if old.AppID != app.ID || old.UserID == nil || old.AccountID == nil {
		return nil, bad
	}
	scopes := scopesOf(old.Scopes)
	if r.Scope != "" {
		narrowed, err := ParseScopes(r.Scope)
		if err != nil || !scopes.Covers(narrowed) {
			return nil, oauthErr(CodeInvalidScope, "The requested scope exceeds the scope granted by the resource owner.")
		}
		scopes = narrowed
	}
	u, a, err := s.userAndAccount(ctx, *old.UserID, *old.AccountID)
	if err != nil {
		return nil, err
	}
	var issued *Issued
	err = s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		revoked, err := tx.RevokeOAuthToken(ctx, old.ID)
		if err != nil {
			return err
		}
		if !revoked {
			return bad
		}
		issued, _, err = issueWith(ctx, tx, app, u, a, scopes, true)
		return err
	})
	s.grants.forget() // the old token is revoked (or was, for a racing refresh)
	if err != nil {
		var oe *Error
		if errors.As(err, &oe) {
			return nil, err
		}
		return nil, fmt.Errorf("oauth: refresh: %w", err)
	}
	return issued, nil
}

// userAndAccount loads the user and account a grant acts for and checks
// they may still act: invalid_grant when not.
func (s *Service) userAndAccount(ctx context.Context, userID, accountID int64) (*storage.User, *storage.Account, error) {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return nil, nil, errBadCode
		}
		return nil, nil, fmt.Errorf("oauth: grant: %w", err)
	}
	a, err := s.store.AccountByID(ctx, accountID)
	if err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return nil, nil, errBadCode
		}
		return nil, nil, fmt.Errorf("oauth: grant: %w", err)
	}
	var kind *core.KindError
	if err := usable(u, a); errors.As(err, &kind) {
		return nil, nil, oauthErr(CodeInvalidGrant, "%s", kind.Msg)
	}
	return u, a, nil
}

// issue stores and returns a new token.
func (s *Service) issue(ctx context.Context, app *storage.OAuthApp, u *storage.User, a *storage.Account, scopes Scopes, withRefresh bool) (*Issued, error) {
	issued, _, err := s.issueRecorded(ctx, app, u, a, scopes, withRefresh)
	return issued, err
}

// issueRecorded is issue, also returning the token's row ID.
func (s *Service) issueRecorded(ctx context.Context, app *storage.OAuthApp, u *storage.User, a *storage.Account, scopes Scopes, withRefresh bool) (*Issued, int64, error) {
	issued, id, err := issueWith(ctx, s.store, app, u, a, scopes, withRefresh)
	if err != nil {
		return nil, 0, fmt.Errorf("oauth: issue token: %w", err)
	}
	if u != nil {
		s.log.InfoContext(ctx, "oauth token issued", "app_id", app.ID, "user_id", u.ID, "token_id", id)
	} else {
		s.log.InfoContext(ctx, "oauth app token issued", "app_id", app.ID, "token_id", id)
	}
	return issued, id, nil
}

// issueWith stores a new token through store (a transaction or not).
func issueWith(ctx context.Context, store *storage.Store, app *storage.OAuthApp, u *storage.User, a *storage.Account, scopes Scopes, withRefresh bool) (*Issued, int64, error) {
	issued := &Issued{AccessToken: newSecret(), Scopes: scopes}
	t := &storage.OAuthToken{TokenHash: hashSecret(issued.AccessToken), AppID: app.ID, Scopes: scopes.String()}
	if u != nil {
		t.UserID, t.AccountID = &u.ID, &a.ID
	}
	if withRefresh && u != nil {
		issued.RefreshToken = newSecret()
		h := hashSecret(issued.RefreshToken)
		t.RefreshHash = &h
	}
	if err := store.CreateOAuthToken(ctx, t); err != nil {
		return nil, 0, err
	}
	issued.CreatedAt = t.CreatedAt
	return issued, t.ID, nil
}

// Revoke revokes an access or refresh token on behalf of the client it
// was issued to (RFC 7009). An unknown or already revoked token is no
// error; another client's token is an *Error unauthorized_client.
func (s *Service) Revoke(ctx context.Context, clientID, clientSecret, token string) error {
	app, err := s.AuthenticateClient(ctx, clientID, clientSecret)
	if err != nil {
		return err
	}
	if token == "" {
		return oauthErr(CodeInvalidRequest, "The token parameter is missing.")
	}
	t, err := s.store.OAuthTokenByHash(ctx, hashSecret(token))
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("oauth: revoke: %w", err)
	}
	if t.AppID != app.ID {
		return oauthErr(CodeUnauthorizedClient, "You are not authorized to revoke this token.")
	}
	_, err = s.store.RevokeOAuthToken(ctx, t.ID)
	s.grants.forget()
	if err != nil {
		return fmt.Errorf("oauth: revoke: %w", err)
	}
	s.log.InfoContext(ctx, "oauth token revoked", "app_id", app.ID, "token_id", t.ID)
	return nil
}
