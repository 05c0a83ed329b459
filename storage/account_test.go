package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// newLocal stores a local user and account with the given username and
// e-mail, returning the error CreateLocalAccount gave.
func newLocal(ctx context.Context, s *storage.Store, username, email string) (*storage.User, *storage.Account, error) {
	u := &storage.User{Email: email, PasswordHash: "hash", Role: "member"}
	a := &storage.Account{Username: username, ActorType: storage.ActorPerson, PublicKeyPEM: "pem"}
	return u, a, s.CreateLocalAccount(ctx, u, a)
}

// newRemote stores a remote account.
func newRemote(ctx context.Context, s *storage.Store, username, domain string) (*storage.Account, error) {
	uri := "https://" + domain + "/users/" + username
	a := &storage.Account{Username: username, Domain: domain, ActorType: storage.ActorPerson, URI: &uri, PublicKeyPEM: "pem"}
	return a, s.CreateAccount(ctx, a)
}

// anaBenCyRem stores three local accounts (ana, ben, cy) and a remote
// one (rem, of remote.example), keyed by those names.
func anaBenCyRem(t *testing.T, ctx context.Context, s *storage.Store) map[string]*storage.Account {
	t.Helper()
	accts := map[string]*storage.Account{}
	for _, name := range []string{"ana", "ben", "cy"} {
		_, a, err := newLocal(ctx, s, name, name+"@example.org")
		if err != nil {
			t.Fatal(err)
		}
		accts[name] = a
	}
	remote, err := newRemote(ctx, s, "rem", "remote.example")
	if err != nil {
		t.Fatal(err)
	}
	accts["rem"] = remote
	return accts
}

func TestUsernameUniquePerDomainWithoutCase(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		if _, _, err := newLocal(ctx, s, "Alice", "alice@example.org"); err != nil {
			t.Fatal(err)
		}
		if _, err := newRemote(ctx, s, "alice", "other.example"); err != nil {
			t.Fatalf("the same username on another domain: %v", err)
		}
		for _, tc := range []struct {
			name string
			make func() error
		}{
			{"local, same case", func() error { _, _, err := newLocal(ctx, s, "Alice", "a2@example.org"); return err }},
			{"local, other case", func() error { _, _, err := newLocal(ctx, s, "aLICE", "a3@example.org"); return err }},
			{"remote, other case", func() error { _, err := newRemote(ctx, s, "ALICE", "other.example"); return err }},
		} {
			if err := tc.make(); !errors.Is(err, storage.ErrConflict) {
				t.Errorf("%s: %v, want ErrConflict", tc.name, err)
			}
		}
		// A failed local create leaves no user behind (one transaction).
		if _, err := s.UserByEmail(ctx, "a2@example.org"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("the user of a failed create: %v, want ErrNotFound", err)
		}

		// Lookups ignore case and keep the stored spelling.
		for _, name := range []string{"alice", "ALICE", "Alice"} {
			a, err := s.AccountByUsername(ctx, name, "")
			if err != nil {
				t.Fatalf("lookup %q: %v", name, err)
			}
			if a.Username != "Alice" || !a.Local() {
				t.Errorf("lookup %q found %q on %q", name, a.Username, a.Domain)
			}
		}
		r, err := s.AccountByUsername(ctx, "Alice", "Other.Example")
		if err != nil || r.Domain != "other.example" || r.Local() {
			t.Errorf("remote lookup: %+v, %v", r, err)
		}
		if _, err := s.AccountByUsername(ctx, "alice", "third.example"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("unknown domain: %v, want ErrNotFound", err)
		}
		// A domain is stored in lower case, so that lookups find it and the
		// uniqueness rule holds across spellings.
		if _, err := newRemote(ctx, s, "erin", "Third.Example"); err != nil {
			t.Fatal(err)
		}
		if e, err := s.AccountByUsername(ctx, "erin", "third.example"); err != nil || e.Domain != "third.example" {
			t.Errorf("remote stored as Third.Example: %+v, %v", e, err)
		}
		if _, err := newRemote(ctx, s, "Erin", "THIRD.example"); !errors.Is(err, storage.ErrConflict) {
			t.Errorf("the same remote username on the same domain in other cases: %v, want ErrConflict", err)
		}
	})
}

func TestEmailUniqueWithoutCase(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		u, _, err := newLocal(ctx, s, "alice", "Alice@Example.org")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := newLocal(ctx, s, "bob", "alice@example.ORG"); !errors.Is(err, storage.ErrConflict) {
			t.Errorf("the same e-mail in another case: %v, want ErrConflict", err)
		}
		if _, err := s.AccountByUsername(ctx, "bob", ""); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("the account of a failed create: %v, want ErrNotFound", err)
		}
		got, err := s.UserByEmail(ctx, "ALICE@example.org")
		if err != nil || got.ID != u.ID || got.Email != "Alice@Example.org" {
			t.Errorf("UserByEmail: %+v, %v", got, err)
		}
	})
}

func TestAccountRoundTrip(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		u, a, err := newLocal(ctx, s, "alice", "alice@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if u.ID == 0 || a.ID == 0 || a.UserID == nil || *a.UserID != u.ID || a.CreatedAt.IsZero() || u.CreatedAt.IsZero() {
			t.Fatalf("create did not fill in IDs and times: %+v %+v", u, a)
		}
		got, err := s.AccountByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Username != "alice" || got.Domain != "" || got.ActorType != storage.ActorPerson || got.PublicKeyPEM != "pem" ||
			got.Suspended() || got.CreatedAt.Sub(a.CreatedAt).Abs() > time.Millisecond { // stored to the microsecond
			t.Errorf("read back %+v, stored %+v", got, a)
		}
		gu, err := s.UserByID(ctx, u.ID)
		if err != nil || gu.Email != "alice@example.org" || gu.Role != "member" || gu.PasswordHash != "hash" {
			t.Errorf("user read back %+v, %v", gu, err)
		}

		for name, err := range map[string]error{
			"account by id":    second(s.AccountByID(ctx, 42)),
			"user by id":       second(s.UserByID(ctx, 42)),
			"user by email":    second(s.UserByEmail(ctx, "nobody@example.org")),
			"set suspended":    s.SetSuspended(ctx, 42, nil),
			"set password":     s.SetPasswordHash(ctx, 42, "x"),
			"account by name":  second(s.AccountByUsername(ctx, "nobody", "")),
			"account by name2": second(s.AccountByUsername(ctx, "alice", "elsewhere.example")),
		} {
			if !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("%s of nothing: %v, want ErrNotFound", name, err)
			}
		}
	})
}

func second[T any](_ T, err error) error { return err }

func TestSuspendPasswordAndAdmins(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		u, a, err := newLocal(ctx, s, "alice", "alice@example.org")
		if err != nil {
			t.Fatal(err)
		}
		at := time.Now().UTC().Truncate(time.Second)
		if err := s.SetSuspended(ctx, a.ID, &at); err != nil {
			t.Fatal(err)
		}
		got, _ := s.AccountByID(ctx, a.ID)
		if !got.Suspended() || !got.SuspendedAt.Equal(at) {
			t.Errorf("suspended at %v, want %v", got.SuspendedAt, at)
		}
		if err := s.SetSuspended(ctx, a.ID, nil); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.AccountByID(ctx, a.ID); got.Suspended() {
			t.Error("still suspended after unsuspending")
		}

		if err := s.SetPasswordHash(ctx, u.ID, "new-hash"); err != nil {
			t.Fatal(err)
		}
		if gu, _ := s.UserByID(ctx, u.ID); gu.PasswordHash != "new-hash" {
			t.Errorf("password hash %q after setting it", gu.PasswordHash)
		}

		if n, err := s.CountAdmins(ctx); err != nil || n != 0 {
			t.Errorf("CountAdmins = %d, %v; want 0", n, err)
		}
		admin := &storage.User{Email: "root@example.org", PasswordHash: "h", Role: "admin"}
		if err := s.CreateLocalAccount(ctx, admin, &storage.Account{Username: "root", ActorType: storage.ActorPerson}); err != nil {
			t.Fatal(err)
		}
		if n, err := s.CountAdmins(ctx); err != nil || n != 1 {
			t.Errorf("CountAdmins = %d, %v; want 1", n, err)
		}
	})
}

func TestListAccounts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		var want []string
		for _, name := range []string{"carol", "alice", "bob"} {
			if _, _, err := newLocal(ctx, s, name, name+"@example.org"); err != nil {
				t.Fatal(err)
			}
			want = append(want, name)
		}
		group := &storage.Account{Username: "cardiology", ActorType: storage.ActorGroup}
		if err := s.CreateAccount(ctx, group); err != nil {
			t.Fatal(err)
		}
		want = append(want, "cardiology")
		if err := s.CreateAccount(ctx, &storage.Account{Username: "rounds.test", ActorType: storage.ActorApplication}); err != nil {
			t.Fatal(err)
		}
		if _, err := newRemote(ctx, s, "dave", "other.example"); err != nil {
			t.Fatal(err)
		}

		local, err := s.ListAccounts(ctx, storage.AccountFilter{LocalOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range local {
			got = append(got, a.Username)
		}
		if len(got) != len(want) {
			t.Fatalf("local accounts %v, want %v (oldest first, no instance actor, no remote)", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("local accounts %v, want %v", got, want)
				break
			}
		}
		all, err := s.ListAccounts(ctx, storage.AccountFilter{})
		if err != nil || len(all) != 6 {
			t.Errorf("all accounts: %d, %v; want 6", len(all), err)
		}
	})
}

func TestUsageCountsPeopleAndDomains(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		if _, _, err := newLocal(ctx, s, "alice", "alice@example.org"); err != nil {
			t.Fatal(err)
		}
		_, bob, err := newLocal(ctx, s, "bob", "bob@example.org")
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		if err := s.SetSuspended(ctx, bob.ID, &now); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateAccount(ctx, &storage.Account{Username: "rounds.test", ActorType: storage.ActorApplication}); err != nil {
			t.Fatal(err)
		}
		for _, r := range []struct{ user, domain string }{{"a", "one.example"}, {"b", "one.example"}, {"c", "two.example"}} {
			if _, err := newRemote(ctx, s, r.user, r.domain); err != nil {
				t.Fatal(err)
			}
		}
		u, err := s.Usage(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		if u.Users != 1 || u.Domains != 2 || u.LocalPosts != 0 || u.ActiveMonth != 0 {
			t.Errorf("usage %+v, want 1 user (not the suspended one or the instance actor), 2 domains, nothing else", u)
		}
	})
}
