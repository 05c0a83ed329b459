package storage

import (
	"time"

	"github.com/uptrace/bun"
)

// OAuthApp is a client application registered through POST /api/v1/apps.
// Apps are kept forever: clients cache their registration indefinitely.
type OAuthApp struct {
	bun.BaseModel `bun:"table:oauth_apps"`

	ID   int64  `bun:"id,pk"`
	Name string `bun:"name,notnull"`
	// Website is the app's home page, "" when none was given.
	Website string `bun:"website,notnull"`
	// RedirectURIs are the registered redirect URIs, one per line.
	RedirectURIs string `bun:"redirect_uris,notnull"`
	// Scopes are the scopes the app may ask for, space-separated as registered.
	Scopes   string `bun:"scopes,notnull"`
	ClientID string `bun:"client_id,notnull"`
	// ClientSecretHash is the SHA-256 of the client secret, hex-encoded;
	// the secret itself is shown once, at registration.
	ClientSecretHash string    `bun:"client_secret_hash,notnull"`
	CreatedAt        time.Time `bun:"created_at,notnull"`
	UpdatedAt        time.Time `bun:"updated_at,notnull"`
}

// OAuthCode is an authorization code: issued by the consent page, bound to
// one app, user, account and redirect URI, exchanged once for a token.
type OAuthCode struct {
	bun.BaseModel `bun:"table:oauth_codes"`

	ID        int64  `bun:"id,pk"`
	CodeHash  string `bun:"code_hash,notnull"`
	AppID     int64  `bun:"app_id,notnull"`
	UserID    int64  `bun:"user_id,notnull"`
	AccountID int64  `bun:"account_id,notnull"`
	// RedirectURI is the URI the code was sent to; the exchange must name it.
	RedirectURI string `bun:"redirect_uri,notnull"`
	// Scopes are the granted scopes, space-separated, in the order asked for.
	Scopes string `bun:"scopes,notnull"`
	// CodeChallenge and CodeChallengeMethod ("S256" or "plain") are the
	// PKCE challenge, both "" when the client sent none.
	CodeChallenge       string     `bun:"code_challenge,notnull"`
	CodeChallengeMethod string     `bun:"code_challenge_method,notnull"`
	ExpiresAt           time.Time  `bun:"expires_at,notnull"`
	UsedAt              *time.Time `bun:"used_at"`
	// TokenID is the token the code was exchanged for, revoked should the
	// code be presented again.
	TokenID   *int64    `bun:"token_id"`
	CreatedAt time.Time `bun:"created_at,notnull"`
}

// OAuthToken is an access token with its refresh token. Tokens do not
// expire; they end when revoked. App-only tokens (client_credentials) have
// no user or account.
type OAuthToken struct {
	bun.BaseModel `bun:"table:oauth_tokens,alias:oauth_token"`

	ID        int64  `bun:"id,pk"`
	TokenHash string `bun:"token_hash,notnull"`
	// RefreshHash is the SHA-256 of the refresh token, nil when none was issued.
	RefreshHash *string `bun:"refresh_hash"`
	AppID       int64   `bun:"app_id,notnull"`
	UserID      *int64  `bun:"user_id"`
	AccountID   *int64  `bun:"account_id"`
	// Scopes are the granted scopes, space-separated, in the order asked for.
	Scopes    string     `bun:"scopes,notnull"`
	CreatedAt time.Time  `bun:"created_at,notnull"`
	RevokedAt *time.Time `bun:"revoked_at"`

	App     *OAuthApp `bun:"rel:belongs-to,join:app_id=id"`
	User    *User     `bun:"rel:belongs-to,join:user_id=id"`
	Account *Account  `bun:"rel:belongs-to,join:account_id=id"`
}

// WebSession is a browser's signed-in session on the instance's own pages
// (the OAuth sign-in and consent pages). The cookie holds a random token;
// the row holds its SHA-256.
type WebSession struct {
	bun.BaseModel `bun:"table:web_sessions,alias:web_session"`

	ID        int64     `bun:"id,pk"`
	TokenHash string    `bun:"token_hash,notnull"`
	UserID    int64     `bun:"user_id,notnull"`
	AccountID int64     `bun:"account_id,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull"`
	ExpiresAt time.Time `bun:"expires_at,notnull"`

	User    *User    `bun:"rel:belongs-to,join:user_id=id"`
	Account *Account `bun:"rel:belongs-to,join:account_id=id"`
}
