package account_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// inst is the instance the tests' accounts live on.
var inst = instance.Config{Domain: "rounds.test", Protocol: "https", Registrations: "approval", FederationMode: "open"}

// newService returns a Service over s whose log, at debug level, goes to
// the returned buffer.
func newService(s *storage.Store) (*account.Service, *bytes.Buffer) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return account.New(s, inst, log), &logs
}

// lockedWriter serialises writes from concurrent goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func valid() account.NewAccount {
	return account.NewAccount{Username: "alice", Email: "alice@example.org", Password: "correct horse battery"}
}

func TestCreate(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		svc, logs := newService(s)
		n := valid()
		n.DisplayName, n.Locked, n.Approved, n.Confirmed, n.Role = "Dr Alice", true, true, true, account.RoleModerator
		a, err := svc.Create(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		got, err := svc.Local(ctx, "ALICE")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != a.ID || got.Username != "alice" || got.DisplayName != "Dr Alice" || !got.Locked || got.ActorType != storage.ActorPerson || !got.Discoverable {
			t.Errorf("stored %+v", got)
		}
		u, err := s.UserByID(ctx, *got.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if u.Role != account.RoleModerator || !u.Approved || u.ConfirmedAt == nil || u.Email != "alice@example.org" {
			t.Errorf("user %+v", u)
		}
		if u.PasswordHash == n.Password || !account.CheckPassword(u.PasswordHash, n.Password) {
			t.Error("the password is not kept as a hash that checks")
		}
		checkKeyPair(t, got)

		// Defaults: member, not approved or confirmed unless asked.
		b, err := svc.Create(ctx, account.NewAccount{Username: "bob", Email: "bob@example.org", Password: "long enough"})
		if err != nil {
			t.Fatal(err)
		}
		bu, _ := s.UserByID(ctx, *b.UserID)
		if bu.Role != account.RoleMember || bu.Approved || bu.ConfirmedAt != nil || b.Locked {
			t.Errorf("defaults: %+v %+v", bu, b)
		}
		if b.PublicKeyPEM == got.PublicKeyPEM {
			t.Error("two accounts share a key pair")
		}
		checkLogs(t, logs, []*storage.Account{got, b}, n.Password, u.PasswordHash, n.Email, n.DisplayName)
	})
}

// checkKeyPair checks an actor's RSA-2048 key pair: PKIX public key,
// PKCS#8 private key, and that they belong together.
func checkKeyPair(t *testing.T, a *storage.Account) {
	t.Helper()
	pubBlock, _ := pem.Decode([]byte(a.PublicKeyPEM))
	if pubBlock == nil || pubBlock.Type != "PUBLIC KEY" {
		t.Fatalf("public key is not a PEM PUBLIC KEY: %q", a.PublicKeyPEM)
	}
	pub, err := x509.ParsePKIXPublicKey(pubBlock.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	rsaPub, ok := pub.(*rsa.PublicKey)
	if !ok || rsaPub.N.BitLen() != account.KeyBits || account.KeyBits != 2048 {
		t.Fatalf("public key is not RSA-2048: %T", pub)
	}
	if a.PrivateKeyPEM == nil {
		t.Fatal("no private key")
	}
	privBlock, _ := pem.Decode([]byte(*a.PrivateKeyPEM))
	if privBlock == nil || privBlock.Type != "PRIVATE KEY" {
		t.Fatal("private key is not a PEM PRIVATE KEY")
	}
	priv, err := x509.ParsePKCS8PrivateKey(privBlock.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	rsaPriv, ok := priv.(*rsa.PrivateKey)
	if !ok || !rsaPriv.PublicKey.Equal(rsaPub) {
		t.Error("the private key does not match the public key")
	}
}

// checkLogs fails if the log holds a secret or personal data: a private
// key, a password or its hash, an e-mail or a profile field.
func checkLogs(t *testing.T, logs *bytes.Buffer, accts []*storage.Account, secrets ...string) {
	t.Helper()
	text := logs.String()
	if text == "" {
		t.Fatal("nothing was logged: the check below would prove nothing")
	}
	if strings.Contains(text, "PRIVATE KEY") {
		t.Error("a private key was logged")
	}
	for _, a := range accts {
		if a.PrivateKeyPEM == nil {
			continue
		}
		body := strings.Join(strings.Split(*a.PrivateKeyPEM, "\n")[1:3], "")
		if strings.Contains(strings.ReplaceAll(text, `\n`, ""), body[:40]) {
			t.Errorf("the private key of %s was logged", a.Username)
		}
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("the log holds %q", s)
		}
	}
}

func TestCreateRefuses(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		svc, _ := newService(s)
		if _, err := svc.Create(ctx, valid()); err != nil {
			t.Fatal(err)
		}
		with := func(f func(n *account.NewAccount)) account.NewAccount {
			n := valid()
			n.Username, n.Email = "carol", "carol@example.org"
			f(&n)
			return n
		}
		for _, tc := range []struct {
			name  string
			n     account.NewAccount
			kind  error
			field string // for ErrInvalid
			msg   string // for ErrConflict
		}{
			{"taken username", with(func(n *account.NewAccount) { n.Username = "alice" }), core.ErrConflict, "", "username alice is already taken"},
			{"taken username, other case", with(func(n *account.NewAccount) { n.Username = "Alice" }), core.ErrConflict, "", "username Alice is already taken"},
			{"taken email", with(func(n *account.NewAccount) { n.Email = "alice@example.org" }), core.ErrConflict, "", "email alice@example.org is already taken"},
			{"taken email, other case", with(func(n *account.NewAccount) { n.Email = "ALICE@example.org" }), core.ErrConflict, "", "is already taken"},
			{"empty username", with(func(n *account.NewAccount) { n.Username = "" }), core.ErrInvalid, "username", ""},
			{"username with a dot", with(func(n *account.NewAccount) { n.Username = "carol.smith" }), core.ErrInvalid, "username", ""},
			{"username too long", with(func(n *account.NewAccount) { n.Username = strings.Repeat("c", 31) }), core.ErrInvalid, "username", ""},
			{"instance actor's name", with(func(n *account.NewAccount) { n.Username = "ROUNDS" }), nil, "", ""},
			{"email without @", with(func(n *account.NewAccount) { n.Email = "carol.example.org" }), core.ErrInvalid, "email", ""},
			{"email with a display name", with(func(n *account.NewAccount) { n.Email = "Carol <carol@example.org>" }), core.ErrInvalid, "email", ""},
			{"email without a dotted domain", with(func(n *account.NewAccount) { n.Email = "carol@example" }), core.ErrInvalid, "email", ""},
			{"short password", with(func(n *account.NewAccount) { n.Password = "1234567" }), core.ErrInvalid, "password", ""},
			{"short password in runes", with(func(n *account.NewAccount) { n.Password = "ééééééé" }), core.ErrInvalid, "password", ""},
			{"huge password", with(func(n *account.NewAccount) { n.Password = strings.Repeat("x", 1025) }), core.ErrInvalid, "password", ""},
			{"bad role", with(func(n *account.NewAccount) { n.Role = "owner" }), core.ErrInvalid, "role", ""},
			{"long display name", with(func(n *account.NewAccount) { n.DisplayName = strings.Repeat("d", 31) }), core.ErrInvalid, "display_name", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := svc.Create(ctx, tc.n)
				if tc.kind == nil {
					// Names that are only reserved where they equal the host.
					if err != nil {
						t.Errorf("refused: %v", err)
					}
					return
				}
				if !errors.Is(err, tc.kind) {
					t.Fatalf("%v, want %v", err, tc.kind)
				}
				var inv *core.InvalidError
				if tc.field != "" && (!errors.As(err, &inv) || inv.Field != tc.field) {
					t.Errorf("%v: want an invalid %s", err, tc.field)
				}
				var kind *core.KindError
				if tc.msg != "" && (!errors.As(err, &kind) || !strings.Contains(kind.Msg, tc.msg)) {
					t.Errorf("%v: want the message %q", err, tc.msg)
				}
			})
		}
		// Only alice and the reserved-name check's "ROUNDS" were stored.
		list, err := svc.List(ctx)
		if err != nil || len(list) != 2 {
			t.Errorf("List: %d accounts, %v; want 2", len(list), err)
		}
	})
}

func TestReservedUsername(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		local := instance.Config{Domain: "localhost:8080", Protocol: "http", Registrations: "open", FederationMode: "open"}
		svc := account.New(s, local, slog.New(slog.DiscardHandler))
		n := valid()
		n.Username = "LocalHost"
		if _, err := svc.Create(context.Background(), n); !errors.Is(err, core.ErrInvalid) {
			t.Errorf("a username equal to the host (the instance actor's): %v, want ErrInvalid", err)
		}
	})
}

func TestSuspensionAndLookup(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		svc, _ := newService(s)
		if _, err := svc.Create(ctx, valid()); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.LocalPerson(ctx, "Alice"); err != nil {
			t.Fatalf("LocalPerson: %v", err)
		}
		if err := svc.SetSuspended(ctx, "alice", true); err != nil {
			t.Fatal(err)
		}
		if a, err := svc.LocalPerson(ctx, "alice"); !errors.Is(err, core.ErrGone) || a == nil {
			t.Errorf("suspended LocalPerson: %v, %v; want the account and ErrGone", a, err)
		}
		if err := svc.SetSuspended(ctx, "ALICE", false); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.LocalPerson(ctx, "alice"); err != nil {
			t.Errorf("unsuspended LocalPerson: %v", err)
		}
		for name, err := range map[string]error{
			"Local":        second(svc.Local(ctx, "nobody")),
			"LocalPerson":  second(svc.LocalPerson(ctx, "nobody")),
			"SetSuspended": svc.SetSuspended(ctx, "nobody", true),
			"SetPassword":  svc.SetPassword(ctx, "nobody", "long enough"),
		} {
			if !errors.Is(err, core.ErrNotFound) {
				t.Errorf("%s of an unknown username: %v, want ErrNotFound", name, err)
			}
		}
	})
}

func second[T any](_ T, err error) error { return err }

func TestSetPassword(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		svc, logs := newService(s)
		a, err := svc.Create(ctx, valid())
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.SetPassword(ctx, "alice", "short"); !errors.Is(err, core.ErrInvalid) {
			t.Errorf("short password: %v, want ErrInvalid", err)
		}
		if err := svc.SetPassword(ctx, "Alice", "a whole new password"); err != nil {
			t.Fatal(err)
		}
		u, _ := s.UserByID(ctx, *a.UserID)
		if !account.CheckPassword(u.PasswordHash, "a whole new password") || account.CheckPassword(u.PasswordHash, valid().Password) {
			t.Error("the password did not change")
		}
		actor, err := svc.InstanceActor(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.SetPassword(ctx, actor.Username, "long enough"); !errors.Is(err, core.ErrInvalid) {
			t.Errorf("the instance actor has no sign-in: %v, want ErrInvalid", err)
		}
		checkLogs(t, logs, []*storage.Account{a, actor}, "a whole new password", u.PasswordHash)
	})
}

func TestHasAdmin(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		svc, _ := newService(s)
		for _, step := range []struct {
			role string
			want bool
		}{{"", false}, {account.RoleModerator, false}, {account.RoleAdmin, true}} {
			if step.role != "" {
				n := valid()
				n.Username, n.Email, n.Role = step.role, step.role+"@example.org", step.role
				if _, err := svc.Create(ctx, n); err != nil {
					t.Fatal(err)
				}
			}
			if has, err := svc.HasAdmin(ctx); err != nil || has != step.want {
				t.Errorf("after adding %q: HasAdmin = %v, %v; want %v", step.role, has, err, step.want)
			}
		}
	})
}

func TestInstanceActorCreatedOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		svc, logs := newService(s)
		// Several callers at once (two replicas starting) get one actor.
		const callers = 4
		ids := make([]int64, callers)
		errs := make([]error, callers)
		var wg sync.WaitGroup
		for i := range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a, err := svc.InstanceActor(ctx)
				errs[i] = err
				if err == nil {
					ids[i] = a.ID
				}
			}()
		}
		wg.Wait()
		for i := range callers {
			if errs[i] != nil {
				t.Fatalf("caller %d: %v", i, errs[i])
			}
			if ids[i] != ids[0] {
				t.Errorf("callers got actors %v, want one", ids)
			}
		}
		a, err := svc.InstanceActor(ctx)
		if err != nil || a.ID != ids[0] {
			t.Fatalf("a later call: %v, %v", a, err)
		}
		if a.ActorType != storage.ActorApplication || a.Username != inst.Host() || !a.Local() || !a.Locked || a.UserID != nil {
			t.Errorf("instance actor %+v: want a local, locked Application named %s with no sign-in", a, inst.Host())
		}
		checkKeyPair(t, a)
		all, err := s.ListAccounts(ctx, storage.AccountFilter{})
		if err != nil || len(all) != 1 {
			t.Errorf("%d accounts stored, %v; want the one actor", len(all), err)
		}
		// It is no person: not listed, not found as one.
		if list, _ := svc.List(ctx); len(list) != 0 {
			t.Errorf("List shows the instance actor: %+v", list)
		}
		if _, err := svc.LocalPerson(ctx, inst.Host()); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("LocalPerson(%s): %v, want ErrNotFound", inst.Host(), err)
		}
		// Suspending it would stop the instance's own signed fetches.
		if err := svc.SetSuspended(ctx, inst.Host(), true); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("suspending the instance actor: %v, want ErrNotFound", err)
		}
		if again, _ := svc.InstanceActor(ctx); again.Suspended() {
			t.Error("the instance actor was suspended")
		}
		if logs.Len() > 0 {
			checkLogs(t, logs, []*storage.Account{a})
		}
	})
}
