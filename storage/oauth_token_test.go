package storage_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// ActiveOAuthToken's prepared statement answers what bun's relation
// query answers (the token with its app, user and account, every column
// alike), leaves out what a token lacks, and finds no revoked or unknown
// token.
func TestActiveOAuthToken(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		app := &storage.OAuthApp{Name: "client", Website: "https://client.example", RedirectURIs: "urn:ietf:wg:oauth:2.0:oob", Scopes: "read write", ClientID: "cid", ClientSecretHash: "csh"}
		if err := s.CreateOAuthApp(ctx, app); err != nil {
			t.Fatal(err)
		}
		active := time.Now().Add(-time.Hour).UTC()
		u := &storage.User{Email: "doc@rounds.example", PasswordHash: "x", Role: "user", Approved: true, LastActiveAt: &active}
		a := &storage.Account{Username: "doc", ActorType: storage.ActorPerson, DisplayName: "Dr Doc", Discoverable: true}
		if err := s.CreateLocalAccount(ctx, u, a); err != nil {
			t.Fatal(err)
		}
		token := func(hash string, user bool) *storage.OAuthToken {
			tk := &storage.OAuthToken{TokenHash: hash, AppID: app.ID, Scopes: "read"}
			if user {
				tk.UserID, tk.AccountID = &u.ID, &a.ID
			}
			if err := s.CreateOAuthToken(ctx, tk); err != nil {
				t.Fatal(err)
			}
			return tk
		}
		token("user-token", true)
		token("app-token", false)
		revoked := token("revoked-token", true)
		if _, err := s.RevokeOAuthToken(ctx, revoked.ID); err != nil {
			t.Fatal(err)
		}

		db := bun.NewDB(s.DB(), sqlitedialect.New())
		if s.Dialect() == storage.Postgres {
			db = bun.NewDB(s.DB(), pgdialect.New())
		}
		for _, hash := range []string{"user-token", "app-token"} {
			want := new(storage.OAuthToken)
			if err := db.NewSelect().Model(want).Relation("App").Relation("User").Relation("Account").
				Where("oauth_token.token_hash = ?", hash).Scan(ctx); err != nil {
				t.Fatal(err)
			}
			for i := range 2 { // prepared, then from the prepared statement
				got, err := s.ActiveOAuthToken(ctx, hash)
				if err != nil {
					t.Fatalf("%s, lookup %d: %v", hash, i+1, err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s, lookup %d:\n got %+v\nwant %+v", hash, i+1, got, want)
				}
			}
		}
		got, err := s.ActiveOAuthToken(ctx, "app-token")
		if err != nil || got.App == nil || got.App.ID != app.ID || got.User != nil || got.Account != nil {
			t.Fatalf("app token: %+v, %v; want its app only", got, err)
		}
		for _, hash := range []string{"revoked-token", "unknown"} {
			if got, err := s.ActiveOAuthToken(ctx, hash); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("%s: %+v, %v; want ErrNotFound", hash, got, err)
			}
		}
	})
}
