package credential_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// recorder is a Publisher that keeps the events it is given.
type recorder struct{ events []outbox.Event }

func (r *recorder) Publish(_ context.Context, _ *storage.Store, ev outbox.Event) error {
	r.events = append(r.events, ev)
	return nil
}

type fixture struct {
	store    *storage.Store
	svc      *credential.Service
	accounts *account.Service
	pub      *recorder
}

func newFixture(t *testing.T, s *storage.Store) *fixture {
	inst := instance.Config{Domain: "rounds.example", Protocol: "https"}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	pub := &recorder{}
	return &fixture{store: s, svc: credential.New(s, inst, nil, pub, log), accounts: account.New(s, inst, log), pub: pub}
}

func (f *fixture) local(t *testing.T, username, role string) *storage.Account {
	t.Helper()
	a, err := f.accounts.Create(context.Background(), account.NewAccount{
		Username: username, Email: username + "@example.org", Password: "correct horse battery", Role: role,
		Approved: true, Confirmed: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (f *fixture) remote(t *testing.T, username, domain string) *storage.Account {
	t.Helper()
	uri := "https://" + domain + "/users/" + username
	a := &storage.Account{Username: username, Domain: domain, ActorType: storage.ActorPerson, URI: &uri, Discoverable: true}
	if err := f.store.CreateAccount(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestVerification(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		rivera := f.local(t, "rivera", "")
		mod := f.local(t, "mod", account.RoleModerator)
		member := f.local(t, "member", "")
		web := func(a *storage.Account, role string) credential.Staff {
			return credential.Staff{Account: a, Role: role, Via: storage.VerifiedViaWeb}
		}

		// Who may verify.
		for _, st := range []credential.Staff{web(member, "member"), web(nil, "admin"), {Via: "email"}} {
			if _, err := f.svc.Verify(ctx, st, "rivera", "MD"); !errors.Is(err, core.ErrForbidden) {
				t.Errorf("%+v verify: %v", st, err)
			}
		}
		for _, tc := range []struct {
			user, cred string
			want       error
		}{
			{"rivera", "  ", core.ErrInvalid},
			{"rivera", "MD\nPhD", core.ErrInvalid},
			{"nobody", "MD", core.ErrNotFound},
			{"rounds.example", "MD", core.ErrNotFound}, // the instance actor
		} {
			if _, err := f.svc.Verify(ctx, web(mod, "moderator"), tc.user, tc.cred); !errors.Is(err, tc.want) {
				t.Errorf("verify %s %q: %v, want %v", tc.user, tc.cred, err, tc.want)
			}
		}
		if len(f.pub.events) != 0 {
			t.Fatalf("refused verifications published %d events", len(f.pub.events))
		}

		v, err := f.svc.Verify(ctx, web(mod, "moderator"), "@Rivera", "MD, ABR diagnostic radiology")
		if err != nil || v.Issuer != "rounds.example" || v.Credential != "MD, ABR diagnostic radiology" {
			t.Fatalf("verify: %+v %v", v, err)
		}
		card, err := f.svc.Own(ctx, rivera)
		if err != nil || card.Verification == nil || card.Verification.Credential != v.Credential {
			t.Fatalf("card after verify: %+v %v", card, err)
		}
		if ev, ok := f.pub.events[len(f.pub.events)-1].(outbox.ProfileUpdated); !ok || ev.Account.ID != rivera.ID {
			t.Errorf("event = %#v", f.pub.events)
		}
		// The verified account is a physician to the audience rule; its
		// other persona is not.
		persona, err := f.accounts.CreatePersona(ctx, rivera, account.NewPersona{Username: "ana"})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			a    *storage.Account
			want bool
		}{{rivera, true}, {persona, false}, {member, false}} {
			vw, err := f.svc.Viewer(ctx, tc.a, false, nil)
			if err != nil || vw.Physician() != tc.want {
				t.Errorf("viewer %s physician = %v, %v", tc.a.Username, vw.Physician(), err)
			}
		}

		// Re-verifying replaces; revoking records who.
		if _, err := f.svc.Verify(ctx, credential.Staff{Via: storage.VerifiedViaCLI}, "rivera", "MD, ABR neuroradiology"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Unverify(ctx, web(mod, "moderator"), "rivera"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Unverify(ctx, web(mod, "moderator"), "rivera"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("second unverify: %v", err)
		}
		_, hist, err := f.svc.History(ctx, "rivera")
		if err != nil || len(hist) != 2 {
			t.Fatalf("history: %+v %v", hist, err)
		}
		newest, oldest := hist[0], hist[1]
		if newest.Credential != "MD, ABR neuroradiology" || newest.VerifiedVia != storage.VerifiedViaCLI || newest.VerifiedByID != nil ||
			newest.RevokedAt == nil || newest.RevokedVia != storage.VerifiedViaWeb || newest.RevokedByID == nil || *newest.RevokedByID != mod.ID {
			t.Errorf("newest = %+v", newest)
		}
		if oldest.VerifiedByID == nil || *oldest.VerifiedByID != mod.ID || oldest.RevokedAt == nil || oldest.RevokedVia != storage.VerifiedViaCLI {
			t.Errorf("oldest = %+v", oldest)
		}
		if card, _ := f.svc.Own(ctx, rivera); card.Verification != nil {
			t.Error("revoked verification still shown")
		}
	})
}

func TestStoreRemote(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a := f.remote(t, "kim", "other.example")
		at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		err := f.svc.StoreRemote(ctx, a, credential.Remote{
			Profile: &credential.Profile{
				Specialty: "radiology", Subspecialties: []string{"thoracic", "quantum"}, Institution: "Other Hospital",
				Profession: "astronaut", Audience: map[credential.Field]visibility.Audience{credential.FieldInstitution: "only_me"},
			},
			Verification: &credential.RemoteVerification{Credential: "MD", VerifiedAt: at, Issuer: "OTHER.example"},
		})
		if err != nil {
			t.Fatal(err)
		}
		cards, err := f.svc.Cards(ctx, []*storage.Account{a})
		if err != nil {
			t.Fatal(err)
		}
		c := cards[a.ID]
		shown := credential.Show(c, credential.Anonymous())
		if c.Verification == nil || c.Verification.Issuer != "other.example" || !c.Verification.VerifiedAt.Equal(at) ||
			shown.Profile.Institution != "Other Hospital" || len(shown.Profile.Subspecialties) != 1 || shown.Profile.Profession != "" {
			t.Fatalf("remote card = %+v shown %+v", c, shown)
		}
		vw, _ := f.svc.Viewer(ctx, a, false, nil)
		if !vw.Physician() {
			t.Error("a remote account verified by its own instance is no physician")
		}

		// A verification claimed by a third domain is refused, and the
		// one stored before is revoked.
		err = f.svc.StoreRemote(ctx, a, credential.Remote{
			Verification: &credential.RemoteVerification{Credential: "MD", VerifiedAt: at, Issuer: "trusted-hospital.example"},
		})
		if !credential.IsThirdParty(err) || !errors.Is(err, core.ErrForbidden) {
			t.Fatalf("third-party claim: %v", err)
		}
		cards, _ = f.svc.Cards(ctx, []*storage.Account{a})
		if cards[a.ID].Verification != nil || cards[a.ID].Profile.Specialty != "" {
			t.Errorf("after a forged claim: %+v", cards[a.ID])
		}
		if vw, _ := f.svc.Viewer(ctx, a, false, nil); vw.Physician() {
			t.Error("forged claim made a physician")
		}
		// Local accounts are never stored this way.
		local := f.local(t, "loc", "")
		if err := f.svc.StoreRemote(ctx, local, credential.Remote{}); !errors.Is(err, core.ErrForbidden) {
			t.Errorf("StoreRemote(local) = %v", err)
		}
		// A stored row claiming another issuer is ignored when read.
		b := f.remote(t, "lee", "third.example")
		if err := s.ReplaceVerification(ctx, &storage.Verification{AccountID: b.ID, Credential: "MD", Issuer: "elsewhere.example", VerifiedVia: storage.VerifiedViaFederation, VerifiedAt: at}); err != nil {
			t.Fatal(err)
		}
		if cards, _ := f.svc.Cards(ctx, []*storage.Account{b}); cards[b.ID].Verification != nil {
			t.Error("a stored third-party row is shown")
		}
	})
}
