package oauth

import (
	"context"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestGrantCache: a resolved token is trusted for the TTL; revocations by
// this Service and ForgetGrants apply at once; a revocation written to the
// database by someone else (another process) applies once the TTL has
// passed; each caller gets its own copy of the grant.
func TestGrantCache(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		issue := func() (*Issued, int64) {
			t.Helper()
			iss, id, err := f.svc.issueRecorded(ctx, f.app, f.user, f.acct, Scopes{"read"}, true)
			if err != nil {
				t.Fatal(err)
			}
			return iss, id
		}
		valid := func(step, token string, want bool) {
			t.Helper()
			g, err := f.svc.Authenticate(ctx, token)
			switch {
			case want && err != nil:
				t.Fatalf("%s: %v, want the token accepted", step, err)
			case !want && !errors.Is(err, ErrInvalidToken):
				t.Fatalf("%s: grant %v err %v, want ErrInvalidToken", step, g, err)
			}
		}

		// Revoked elsewhere: trusted until the TTL has passed.
		tok, id := issue()
		valid("first use", tok.AccessToken, true)
		if _, err := s.RevokeOAuthToken(ctx, id); err != nil {
			t.Fatal(err)
		}
		valid("revoked by another process, within the TTL", tok.AccessToken, true)
		f.clock.t = f.clock.t.Add(DefaultTokenCacheTTL)
		valid("revoked by another process, TTL passed", tok.AccessToken, false)

		// Revoked through this Service: at once.
		tok, _ = issue()
		valid("second token", tok.AccessToken, true)
		if err := f.svc.Revoke(ctx, f.app.ClientID, f.secret, tok.AccessToken); err != nil {
			t.Fatal(err)
		}
		valid("revoked here", tok.AccessToken, false)

		// Refreshed: the old token stops at once.
		tok, _ = issue()
		valid("third token", tok.AccessToken, true)
		if _, err := f.svc.Token(ctx, TokenRequest{GrantType: GrantRefreshToken, ClientID: f.app.ClientID, ClientSecret: f.secret, RefreshToken: tok.RefreshToken}); err != nil {
			t.Fatal(err)
		}
		valid("refreshed away", tok.AccessToken, false)

		// Suspended in the database, then ForgetGrants (as the account
		// service's OnSuspend hook calls it): at once.
		tok, _ = issue()
		valid("fourth token", tok.AccessToken, true)
		now := time.Now().UTC()
		if err := s.SetSuspended(ctx, f.acct.ID, &now); err != nil {
			t.Fatal(err)
		}
		f.svc.ForgetGrants()
		valid("suspended", tok.AccessToken, false)
		if err := s.SetSuspended(ctx, f.acct.ID, nil); err != nil {
			t.Fatal(err)
		}

		// Copies: what one caller changes, the next does not see.
		g1, err := f.svc.Authenticate(ctx, tok.AccessToken)
		if err != nil {
			t.Fatal(err)
		}
		g1.Account.DisplayName, g1.User.Role, g1.Scopes[0] = "changed", "admin", "admin:write"
		g2, err := f.svc.Authenticate(ctx, tok.AccessToken)
		if err != nil {
			t.Fatal(err)
		}
		if g2.Account.DisplayName == "changed" || g2.User.Role == "admin" || g2.Scopes[0] != "read" {
			t.Fatalf("a cached grant was changed through a copy: %+v %+v %v", g2.Account, g2.User, g2.Scopes)
		}
	})
}

// TestGrantCacheOff: a negative TTL looks every token up.
func TestGrantCacheOff(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		cfg := DefaultConfig()
		cfg.TokenCacheTTL = -1
		f.svc = New(s, f.svc.inst, cfg, f.svc.log)
		iss, id, err := f.svc.issueRecorded(ctx, f.app, f.user, f.acct, Scopes{"read"}, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Authenticate(ctx, iss.AccessToken); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RevokeOAuthToken(ctx, id); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Authenticate(ctx, iss.AccessToken); !errors.Is(err, ErrInvalidToken) {
			t.Fatalf("revoked token without a cache: %v, want ErrInvalidToken", err)
		}
	})
}

// TestGrantCacheForgetRace: a lookup that began before ForgetGrants does
// not store what it read.
func TestGrantCacheForgetRace(t *testing.T) {
	c := newGrantCache(time.Minute)
	now := time.Now()
	h := sha256.Sum256([]byte("token"))
	_, gen := c.get(h, now)
	c.forget()
	c.put(h, &Grant{Scopes: Scopes{"read"}}, gen, now)
	if g, _ := c.get(h, now); g != nil {
		t.Fatal("a grant read before ForgetGrants was cached")
	}
	_, gen = c.get(h, now)
	c.put(h, &Grant{Scopes: Scopes{"read"}}, gen, now)
	if g, _ := c.get(h, now); g == nil {
		t.Fatal("a grant read after ForgetGrants was not cached")
	}
	if g, _ := c.get(h, now.Add(time.Minute)); g != nil {
		t.Fatal("an expired grant was returned")
	}
}
