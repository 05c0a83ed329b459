package credential_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// fakeFetcher answers every fetch with answer (or err) and records who
// asked about whom.
type fakeFetcher struct {
	mu     sync.Mutex
	answer credential.Remote
	err    error
	asked  [][2]int64 // viewer, owner
}

func (f *fakeFetcher) FetchProfileAs(_ context.Context, viewer, owner *storage.Account) (credential.Remote, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, [2]int64{viewer.ID, owner.ID})
	return f.answer, f.err
}

func (f *fakeFetcher) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.asked)
}

func TestRemoteViews(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		viewer := f.local(t, "kim", "")
		other := f.local(t, "lee", "")
		local := f.local(t, "rivera", "")
		if _, err := f.svc.Update(ctx, local, credential.Patch{Department: ptr("Stroke unit")}); err != nil {
			t.Fatal(err)
		}
		rounds := f.remote(t, "ana", "a.example")
		// What a Rounds actor showing nothing to the public leaves: an
		// empty profile, which marks the account as a Rounds one.
		if err := f.svc.StoreRemote(ctx, rounds, credential.Remote{Rounds: true}); err != nil {
			t.Fatal(err)
		}
		mastodon := f.remote(t, "bob", "mastodon.example")
		if err := f.svc.StoreRemote(ctx, mastodon, credential.Remote{}); err != nil {
			t.Fatal(err)
		}
		blocker := f.remote(t, "eve", "a.example")
		if err := f.svc.StoreRemote(ctx, blocker, credential.Remote{Rounds: true}); err != nil {
			t.Fatal(err)
		}
		if err := s.InsertBlock(ctx, &storage.Block{AccountID: blocker.ID, TargetAccountID: viewer.ID}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			a    *storage.Account
			want bool
		}{{local, true}, {rounds, true}, {mastodon, false}, {blocker, true}} {
			if got, err := f.svc.IsRounds(ctx, tc.a); err != nil || got != tc.want {
				t.Errorf("IsRounds(%s) = %v, %v", tc.a.Username, got, err)
			}
		}

		fetch := &fakeFetcher{answer: credential.Remote{Rounds: true, Profile: &credential.Profile{
			Specialty: "radiology", Profession: "physician", Department: "Neuro ICU", Subspecialties: []string{"neuroradiology", "astrology"},
			// Audiences the other side might send are not trusted: every
			// field it answered is the viewer's to see.
			Audience: map[credential.Field]visibility.Audience{credential.FieldDepartment: "only_me"},
		}, Verification: &credential.RemoteVerification{Credential: "MD", Issuer: "a.example", VerifiedAt: time.Unix(1_800_000_000, 0)}}}
		now := time.Unix(1_900_000_000, 0)
		clock := func() time.Time { return now }
		rv := credential.NewRemoteViews(f.svc, fetch, credential.RemoteViewConfig{Limit: 2, Period: time.Minute, Now: clock})

		// The answer, for the viewer: every field it holds readable,
		// unknown codes dropped, the own instance's verification kept.
		card, err := rv.Fetch(ctx, viewer, rounds)
		if err != nil {
			t.Fatal(err)
		}
		shown := credential.Show(card, credential.Owner(viewer))
		if !slices.Equal(shown.Visible, []credential.Field{credential.FieldProfession, credential.FieldSpecialty, credential.FieldSubspecialties, credential.FieldDepartment}) ||
			!slices.Equal(shown.Profile.Subspecialties, []string{"neuroradiology"}) || shown.Verification == nil || shown.Verification.Issuer != "a.example" {
			t.Fatalf("fetched card shows %+v", shown)
		}
		if fetch.count() != 1 || fetch.asked[0] != [2]int64{viewer.ID, rounds.ID} {
			t.Fatalf("fetches = %v", fetch.asked)
		}
		// Nothing of it was stored.
		stored, err := f.svc.Cards(ctx, []*storage.Account{rounds})
		if err != nil {
			t.Fatal(err)
		}
		if p := stored[rounds.ID].Profile; p.Department != "" || p.Specialty != "" || stored[rounds.ID].Verification != nil {
			t.Fatalf("the answer was stored: %+v", p)
		}

		// A verification stated by a third domain is not shown.
		fetch.answer.Verification.Issuer = "hospital.example"
		if card, err = rv.Fetch(ctx, viewer, rounds); err != nil || card.Verification != nil {
			t.Fatalf("third-party verification: %+v, %v", card, err)
		}

		// The limit: two per minute per viewer, then 429 until the window
		// ends; another viewer has their own count.
		if _, err := rv.Fetch(ctx, viewer, rounds); !errors.Is(err, core.ErrTooMany) {
			t.Fatalf("third ask in a minute: %v", err)
		}
		if _, err := rv.Fetch(ctx, other, rounds); err != nil {
			t.Fatalf("another viewer: %v", err)
		}
		now = now.Add(time.Minute)
		if _, err := rv.Fetch(ctx, viewer, rounds); err != nil {
			t.Fatalf("after the window: %v", err)
		}
		before := fetch.count()

		// Refusals that fetch nothing.
		for _, tc := range []struct {
			name          string
			viewer, owner *storage.Account
			want          error
		}{
			{"anonymous", nil, rounds, core.ErrUnauthorized},
			{"not a Rounds account", other, mastodon, core.ErrInvalid},
			{"remote viewer", rounds, blocker, core.ErrForbidden},
		} {
			if _, err := rv.Fetch(ctx, tc.viewer, tc.owner); !errors.Is(err, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
			}
		}
		// Across a block, and for a local owner, the stored card.
		now = now.Add(time.Minute)
		if card, err := rv.Fetch(ctx, viewer, blocker); err != nil || credential.Show(card, mustViewer(t, f, viewer, blocker)).Verification != nil {
			t.Errorf("blocked viewer: %+v, %v", card, err)
		}
		if card, err := rv.Fetch(ctx, viewer, local); err != nil || card.Profile.Department != "Stroke unit" {
			t.Errorf("local owner: %+v, %v", card, err)
		}
		if fetch.count() != before {
			t.Errorf("refused asks fetched: %v", fetch.asked[before:])
		}
		if ok, _ := rv.Askable(ctx, viewer, mastodon); ok {
			t.Error("a Mastodon account is askable")
		}
		if ok, _ := rv.Askable(ctx, viewer, rounds); !ok {
			t.Error("a Rounds account is not askable")
		}

		// The fetcher's refusals come through with their kind.
		fetch.err = core.Errorf(core.ErrUnavailable, "a.example did not answer")
		now = now.Add(time.Minute)
		if _, err := rv.Fetch(ctx, viewer, rounds); !errors.Is(err, core.ErrUnavailable) || !strings.Contains(err.Error(), "did not answer") {
			t.Errorf("fetch error: %v", err)
		}
		// Without a fetcher (federation off) nothing can be asked.
		off := credential.NewRemoteViews(f.svc, nil, credential.RemoteViewConfig{})
		if _, err := off.Fetch(ctx, viewer, rounds); !errors.Is(err, core.ErrInvalid) {
			t.Errorf("federation off: %v", err)
		}
	})
}

// mustViewer builds the audience rule's view of viewer looking at owner.
func mustViewer(t *testing.T, f *fixture, viewer, owner *storage.Account) credential.Viewer {
	t.Helper()
	v, err := f.svc.Viewer(context.Background(), viewer, false, []int64{owner.ID})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Every name Lines and VerificationLine give is a line name, so that a
// remote Rounds actor's PropertyValues are never taken for its owner's
// own fields.
func TestIsLineName(t *testing.T) {
	card := &credential.Card{AccountID: 1, Profile: &credential.Profile{
		Profession: "physician", Specialty: "radiology", Subspecialties: []string{"breast"}, Institution: "I",
		Department: "D", TrainingProgram: "P", Stage: "resident", TrainingYear: 2, GraduationYear: 2020,
		BoardCertifications: []string{"B"}, Languages: []string{"L"}, Interests: []string{"X"}, AcceptingConsults: true,
	}, Verification: &credential.Verification{Credential: "MD", Issuer: "a.example"}}
	s := credential.Show(card, credential.Owner(&storage.Account{ID: 1}))
	lines := s.Lines(credential.DefaultVocabulary())
	l, _ := s.VerificationLine()
	lines = append(lines, l)
	// Subspecialties alone make their own line.
	card.Profile.Audience = map[credential.Field]visibility.Audience{credential.FieldSpecialty: "only_me"}
	lines = append(lines, credential.Show(card, credential.Anonymous()).Lines(credential.DefaultVocabulary())...)
	names := map[string]bool{}
	for _, l := range lines {
		names[l.Name] = true
		if !credential.IsLineName(l.Name) || !credential.IsLineName(" "+strings.ToUpper(l.Name)) {
			t.Errorf("%q is not a line name", l.Name)
		}
	}
	if len(names) != 13 {
		t.Errorf("line names = %v", names)
	}
	for _, n := range []string{"Website", "Pronouns", "Specialties"} {
		if credential.IsLineName(n) {
			t.Errorf("%q is a line name", n)
		}
	}
}

func ptr[T any](v T) *T { return &v }
