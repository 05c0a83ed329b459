package oauth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/storage"
)

// AuthRequest is an authorization request as GET /oauth/authorize
// receives it (and as the consent form posts it back).
type AuthRequest struct {
	ClientID            string
	RedirectURI         string
	ResponseType        string
	Scope               string
	State               string
	CodeChallenge       string
	CodeChallengeMethod string
}

// ValidAuthRequest is an authorization request whose client and redirect
// URI are known good.
type ValidAuthRequest struct {
	App *storage.OAuthApp
	// RedirectURI is the registered URI the answer goes to.
	RedirectURI string
	Scopes      Scopes
	State       string
	// CodeChallenge and CodeChallengeMethod are the PKCE challenge, both
	// "" without one.
	CodeChallenge       string
	CodeChallengeMethod string
}

// OOB reports whether the code is to be shown rather than sent.
func (v *ValidAuthRequest) OOB() bool { return v.RedirectURI == OOB }

// CheckAuthRequest validates an authorization request in two tiers. An
// unknown client or a redirect URI the app did not register yields a nil
// request and an error: the answer must not go to that URI. Any other
// fault (response type, scope, PKCE) yields the request and an *Error to
// send back to its redirect URI. No error means the user may be asked.
func (s *Service) CheckAuthRequest(ctx context.Context, r AuthRequest) (*ValidAuthRequest, error) {
	app, err := s.App(ctx, r.ClientID)
	if err != nil {
		if errors.Is(err, core.ErrNotFound) {
			return nil, oauthErr(CodeInvalidClient, "The client is unknown: it may have been deleted, or the link is incomplete.")
		}
		return nil, err
	}
	registered := AppRedirectURIs(app)
	redirect := r.RedirectURI
	switch {
	case redirect == "" && len(registered) == 1:
		redirect = registered[0]
	case redirect == "":
		return nil, oauthErr(CodeInvalidRequest, "The redirect URI is missing.")
	case !slices.Contains(registered, redirect):
		return nil, oauthErr(CodeInvalidRequest, "The redirect URI is not one the application registered.")
	}
	v := &ValidAuthRequest{App: app, RedirectURI: redirect, State: r.State}
	if r.ResponseType != "code" {
		return v, oauthErr(CodeUnsupportedResponseType, "The authorization server supports only response_type=code.")
	}
	scopes, err := ParseScopes(r.Scope)
	if err != nil {
		return v, oauthErr(CodeInvalidScope, "The requested scope is invalid, unknown, or malformed.")
	}
	if !AppScopes(app).Covers(scopes) {
		return v, oauthErr(CodeInvalidScope, "The requested scope is not among the scopes the application registered.")
	}
	v.Scopes = scopes
	if r.CodeChallenge != "" || r.CodeChallengeMethod != "" {
		method := r.CodeChallengeMethod
		if method == "" {
			method = PKCEPlain // RFC 7636 section 4.3
		}
		if method != PKCES256 && method != PKCEPlain {
			return v, oauthErr(CodeInvalidRequest, "The code challenge method must be S256 or plain.")
		}
		if !validPKCEString(r.CodeChallenge) {
			return v, oauthErr(CodeInvalidRequest, "The code challenge must be 43 to 128 unreserved characters.")
		}
		v.CodeChallenge, v.CodeChallengeMethod = r.CodeChallenge, method
	}
	return v, nil
}

// IssueCode records the user's consent to a valid request and returns the
// authorization code to hand the client: single-use, bound to the client
// and redirect URI, expiring after Config.CodeTTL.
func (s *Service) IssueCode(ctx context.Context, v *ValidAuthRequest, u *storage.User, a *storage.Account) (string, error) {
	if err := usable(u, a); err != nil {
		return "", fmt.Errorf("oauth: issue code: %w", err)
	}
	now := s.now()
	if _, err := s.store.DeleteExpiredOAuthCodes(ctx, now.Add(-s.cfg.CodeTTL)); err != nil {
		s.log.WarnContext(ctx, "oauth: delete expired codes", "err", err)
	}
	code := newSecret()
	c := &storage.OAuthCode{
		CodeHash: hashSecret(code), AppID: v.App.ID, UserID: u.ID, AccountID: a.ID,
		RedirectURI: v.RedirectURI, Scopes: v.Scopes.String(),
		CodeChallenge: v.CodeChallenge, CodeChallengeMethod: v.CodeChallengeMethod,
		ExpiresAt: now.Add(s.cfg.CodeTTL).UTC(),
	}
	if err := s.store.CreateOAuthCode(ctx, c); err != nil {
		return "", fmt.Errorf("oauth: issue code: %w", err)
	}
	s.log.InfoContext(ctx, "oauth code issued", "app_id", v.App.ID, "user_id", u.ID)
	return code, nil
}

// ScopeDescriptions returns a line for each scope, for the consent page.
func ScopeDescriptions(scopes Scopes) []string {
	out := make([]string, 0, len(scopes))
	for _, sc := range scopes {
		out = append(out, describeScope(sc))
	}
	return out
}

// describeScope says in words what a scope lets an app do.
func describeScope(sc string) string {
	switch sc {
	case ScopeRead:
		return "Read all your account's data"
	case ScopeWrite:
		return "Change all your account's data: post, follow, edit your profile"
	case ScopeFollow:
		return "Follow, mute and block accounts"
	case ScopePush:
		return "Receive push notifications"
	case ScopeProfile:
		return "Read only your basic profile"
	case ScopeAdminRead:
		return "Read all data on the server (administration)"
	case ScopeAdminWrite:
		return "Carry out moderation actions on the server (administration)"
	case ScopePersonas:
		return "See and create your other personas (this tells the app they are all yours)"
	}
	parent, what, _ := strings.Cut(sc, ":")
	what = strings.ReplaceAll(what, "_", " ")
	switch parent {
	case ScopeRead:
		return "Read your " + what
	case ScopeWrite:
		return "Change your " + what
	case "admin":
		return "Administration: " + strings.ReplaceAll(what, ":", " ")
	}
	return sc
}
