package app_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"sort"
	"sync"
	"testing"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/core/app"
	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/follow"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/report"
	"github.com/rounds-md/rounds/core/search"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// remote is an app.Remote that records what the services ask of it.
type remote struct {
	mu    sync.Mutex
	calls []string
}

func (r *remote) record(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, s)
}

func (r *remote) seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]string(nil), r.calls...)
	sort.Strings(out)
	return out
}

func (r *remote) Publish(_ context.Context, _ *storage.Store, ev outbox.Event) error {
	r.record(fmt.Sprintf("publish %T", ev))
	return nil
}

func (r *remote) ResolveAcct(_ context.Context, acct string) (*storage.Account, error) {
	r.record("resolve " + acct)
	return nil, core.ErrNotFound
}

func (r *remote) ResolveURI(_ context.Context, uri string) (*storage.Account, error) {
	r.record("resolve " + uri)
	return nil, core.ErrNotFound
}

func (r *remote) FetchProfileAs(_ context.Context, _, owner *storage.Account) (credential.Remote, error) {
	r.record("fetch profile of " + owner.Username)
	return credential.Remote{}, core.ErrUnavailable
}

var _ app.Remote = (*remote)(nil)

func newServices(t *testing.T, s *storage.Store) *app.Services {
	t.Helper()
	cfg := app.Config{
		Instance: instance.Config{Domain: "rounds.example", Protocol: "https"},
		Accounts: []account.Option{account.WithTestCosts()},
	}
	cfg.Media.Dir = t.TempDir()
	svc, err := app.New(s, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// TestFederate checks that Federate reaches every service that talks to
// other servers, so that no edge can hold a service wired without it:
// each action below asks the remote once, and before Federate none does.
func TestFederate(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		svc := newServices(t, s)
		alice, err := svc.Accounts.Create(ctx, account.NewAccount{
			Username: "alice", Email: "alice@example.org", Password: "correct horse battery",
			Approved: true, Confirmed: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		uri := "https://other.example/users/bob"
		bob := &storage.Account{Username: "bob", Domain: "other.example", ActorType: storage.ActorPerson, URI: &uri, Discoverable: true}
		if err := s.CreateAccount(ctx, bob); err != nil {
			t.Fatal(err)
		}
		// bob is on a Rounds instance: a viewer may ask it for his profile.
		if err := svc.Credentials.StoreRemote(ctx, bob, credential.Remote{Rounds: true}); err != nil {
			t.Fatal(err)
		}
		if ok, err := svc.RemoteProfiles.Askable(ctx, alice, bob); err != nil || ok {
			t.Fatalf("before Federate, Askable = %v, %v; want false (nothing to ask with)", ok, err)
		}

		r := &remote{}
		svc.Federate(r)

		if _, err := svc.Posts.Create(ctx, alice, post.Draft{Text: "grand rounds at noon", Visibility: "public"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Follows.Follow(ctx, alice, bob.ID, follow.Options{}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Reports.File(ctx, alice, report.Filing{AccountID: bob.ID, Forward: true}); err != nil {
			t.Fatal(err)
		}
		name := "Alice"
		if _, err := svc.ProfileEditor.Edit(ctx, alice, profile.Edit{DisplayName: &name}); err != nil {
			t.Fatal(err)
		}
		spec := "radiology"
		if _, err := svc.Credentials.Update(ctx, alice, credential.Patch{Specialty: &spec}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Profiles.Resolve(ctx, "carol@third.example"); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("resolve carol: %v, want not found", err)
		}
		if _, err := svc.Search.Search(ctx, alice, search.Query{Q: "https://third.example/users/dan", Resolve: true}); err != nil {
			t.Fatal(err)
		}
		if ok, err := svc.RemoteProfiles.Askable(ctx, alice, bob); err != nil || !ok {
			t.Fatalf("after Federate, Askable = %v, %v; want true", ok, err)
		}
		if _, err := svc.RemoteProfiles.Fetch(ctx, alice, bob); !errors.Is(err, core.ErrUnavailable) {
			t.Fatalf("fetch bob's profile: %v, want the remote's error", err)
		}

		want := []string{
			"fetch profile of bob",
			"publish outbox.Followed",
			"publish outbox.ProfileUpdated",
			"publish outbox.ProfileUpdated",
			"publish outbox.ReportForwarded",
			"publish outbox.StatusCreated",
			"resolve carol@third.example",
			"resolve https://third.example/users/dan",
		}
		if got := r.seen(); !reflect.DeepEqual(got, want) {
			t.Errorf("the remote was asked\n%q\nwant\n%q", got, want)
		}
	})
}
