package oauth

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

const testPassword = "correct horse battery"

// fixture is a Service on a fresh database with a moving clock, an app
// and one member.
type fixture struct {
	svc    *Service
	store  *storage.Store
	clock  *fakeClock
	app    *storage.OAuthApp
	secret string
	user   *storage.User
	acct   *storage.Account
}

func newFixture(t *testing.T, s *storage.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	inst := instance.Config{Domain: "rounds.test", Protocol: "https", Name: "Rounds", Registrations: instance.RegistrationsApproval, FederationMode: instance.FederationOpen}
	f := &fixture{store: s, clock: &fakeClock{t: time.Now().UTC().Truncate(time.Second)}}
	f.svc = New(s, inst, DefaultConfig(), log)
	f.svc.now = f.clock.now
	f.svc.limiter.now = f.clock.now
	var err error
	f.acct = createMember(t, s, inst, log, "lena", true, true)
	if f.user, err = s.UserByID(ctx, *f.acct.UserID); err != nil {
		t.Fatal(err)
	}
	if f.app, f.secret, err = f.svc.RegisterApp(ctx, NewApp{Name: "Test", RedirectURIs: []string{"https://client.example/cb"}, Scopes: "read write follow push"}); err != nil {
		t.Fatal(err)
	}
	return f
}

func createMember(t *testing.T, s *storage.Store, inst instance.Config, log *slog.Logger, name string, approved, confirmed bool) *storage.Account {
	t.Helper()
	a, err := account.New(s, inst, log).Create(context.Background(), account.NewAccount{
		Username: name, Email: name + "@example.org", Password: testPassword, Approved: approved, Confirmed: confirmed,
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// code issues a code for the fixture's member.
func (f *fixture) code(t *testing.T) string {
	t.Helper()
	vr, err := f.svc.CheckAuthRequest(context.Background(), AuthRequest{ClientID: f.app.ClientID, RedirectURI: "https://client.example/cb", ResponseType: "code", Scope: "read"})
	if err != nil {
		t.Fatal(err)
	}
	code, err := f.svc.IssueCode(context.Background(), vr, f.user, f.acct)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func (f *fixture) exchange(code string) (*Issued, error) {
	return f.svc.Token(context.Background(), TokenRequest{
		GrantType: GrantAuthorizationCode, ClientID: f.app.ClientID, ClientSecret: f.secret,
		Code: code, RedirectURI: "https://client.example/cb",
	})
}

func oauthCode(err error) string {
	var oe *Error
	if errors.As(err, &oe) {
		return oe.Code
	}
	return ""
}

func TestCodeExpiry(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		for _, tc := range []struct {
			wait time.Duration
			ok   bool
		}{
			{0, true},
			{10*time.Minute - time.Second, true},
			{10 * time.Minute, false},
			{time.Hour, false},
		} {
			code := f.code(t)
			f.clock.t = f.clock.t.Add(tc.wait)
			issued, err := f.exchange(code)
			if tc.ok != (err == nil) || (!tc.ok && oauthCode(err) != CodeInvalidGrant) {
				t.Errorf("exchange after %v: %v, %v; want ok=%v", tc.wait, issued, err, tc.ok)
			}
		}
	})
}

func TestLastActiveHourly(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		issued, err := f.exchange(f.code(t))
		if err != nil {
			t.Fatal(err)
		}
		lastActive := func() time.Time {
			u, err := s.UserByID(ctx, f.user.ID)
			if err != nil || u.LastActiveAt == nil {
				t.Fatalf("user %v, %v: no last_active_at", u, err)
			}
			return u.LastActiveAt.UTC()
		}
		start := f.clock.t
		for _, tc := range []struct {
			advance time.Duration
			want    time.Time
		}{
			{0, start},
			{30 * time.Minute, start},                // within the hour: no write
			{29 * time.Minute, start},                // still within
			{time.Minute, start.Add(time.Hour)},      // an hour on: written
			{10 * time.Minute, start.Add(time.Hour)}, // within the new hour
			{2 * time.Hour, start.Add(190 * time.Minute)},
		} {
			f.clock.t = f.clock.t.Add(tc.advance)
			g, err := f.svc.Authenticate(ctx, issued.AccessToken)
			if err != nil || g.Account.ID != f.acct.ID || g.User.ID != f.user.ID || g.Scopes.String() != "read" {
				t.Fatalf("Authenticate: %+v, %v", g, err)
			}
			if got := lastActive(); !got.Equal(tc.want) {
				t.Errorf("at +%v: last_active_at = %v, want %v", f.clock.t.Sub(start), got, tc.want)
			}
		}
	})
}

func TestSignInRules(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		createMember(t, s, f.svc.inst, log, "pending", false, true)
		createMember(t, s, f.svc.inst, log, "unconfirmed", true, false)
		for _, tc := range []struct {
			login, password string
			want            error
		}{
			{"lena", testPassword, nil},
			{"@lena", testPassword, nil},
			{"LENA@example.org", testPassword, nil},
			{"lena", "wrong", ErrBadCredentials},
			{"nobody", testPassword, ErrBadCredentials},
			{"", testPassword, ErrBadCredentials},
			{"rounds.test", testPassword, ErrBadCredentials}, // the instance actor has no sign-in
			{"pending", testPassword, ErrNotApproved},
			{"unconfirmed", testPassword, ErrNotConfirmed},
			{"pending", "wrong", ErrBadCredentials}, // nothing told without the password
		} {
			u, a, err := f.svc.SignIn(ctx, tc.login, tc.password, "192.0.2.1")
			if !errors.Is(err, tc.want) || (err == nil) != (tc.want == nil) {
				t.Errorf("SignIn(%q) = %v, want %v", tc.login, err, tc.want)
			}
			if err == nil && (u.ID != f.user.ID || a.ID != f.acct.ID) {
				t.Errorf("SignIn(%q) = user %d account %d", tc.login, u.ID, a.ID)
			}
		}
	})
}

func TestSessions(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		token, err := f.svc.StartSession(ctx, f.user, f.acct)
		if err != nil {
			t.Fatal(err)
		}
		if ws, err := f.svc.Session(ctx, token); err != nil || ws.Account.ID != f.acct.ID || ws.User.ID != f.user.ID {
			t.Fatalf("Session = %+v, %v", ws, err)
		}
		for _, bad := range []string{"", "nope", token + "x"} {
			if _, err := f.svc.Session(ctx, bad); !errors.Is(err, ErrNoSession) {
				t.Errorf("Session(%q) = %v, want ErrNoSession", bad, err)
			}
		}
		f.clock.t = f.clock.t.Add(DefaultConfig().SessionTTL + time.Second)
		if _, err := f.svc.Session(ctx, token); !errors.Is(err, ErrNoSession) {
			t.Errorf("expired session: %v", err)
		}
		// A new session sweeps the expired one away.
		if _, err := f.svc.StartSession(ctx, f.user, f.acct); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ActiveWebSession(ctx, hashSecret(token), time.Time{}); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("expired session row kept: %v", err)
		}
		other, _ := f.svc.StartSession(ctx, f.user, f.acct)
		if err := f.svc.EndSession(ctx, other); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Session(ctx, other); !errors.Is(err, ErrNoSession) {
			t.Errorf("ended session: %v", err)
		}
	})
}

func TestPasswordGrantRateLimit(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		try := func(pw string) error {
			_, err := f.svc.Token(context.Background(), TokenRequest{
				GrantType: GrantPassword, ClientID: f.app.ClientID, ClientSecret: f.secret,
				Username: "lena@example.org", Password: pw, IP: "198.51.100.7",
			})
			return err
		}
		for i := range 5 {
			if err := try("wrong"); oauthCode(err) != CodeInvalidGrant {
				t.Fatalf("failure %d: %v", i+1, err)
			}
		}
		var rl *RateLimitError
		if err := try(testPassword); !errors.As(err, &rl) || rl.RetryAfter <= 0 {
			t.Fatalf("sixth attempt: %v, want a rate limit", err)
		}
		f.clock.t = f.clock.t.Add(5*time.Minute + time.Second)
		if err := try(testPassword); err != nil {
			t.Errorf("after the window: %v", err)
		}
	})
}
