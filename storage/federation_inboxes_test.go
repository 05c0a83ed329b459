package storage_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestFollowerInboxes: the inboxes of an account's remote followers, each
// shared inbox once, a follower without one by its own inbox; local and
// suspended followers left out. On SQLite the followers' accounts are
// found in accounts_remote_inboxes alone, never in their rows: a post
// asks this of every follower, in its write transaction.
func TestFollowerInboxes(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		_, author, err := newLocal(ctx, s, "author", "author@example.org")
		if err != nil {
			t.Fatal(err)
		}
		_, local, err := newLocal(ctx, s, "local", "local@example.org")
		if err != nil {
			t.Fatal(err)
		}
		followers := []int64{local.ID}
		remote := func(user, domain string, shared bool) *storage.Account {
			t.Helper()
			a := &storage.Account{Username: user, Domain: domain, ActorType: storage.ActorPerson, PublicKeyPEM: "PEM",
				URI: remoteStr(fmt.Sprintf("https://%s/users/%s", domain, user)), InboxURI: remoteStr(fmt.Sprintf("https://%s/users/%s/inbox", domain, user))}
			if shared {
				a.SharedInboxURI = remoteStr("https://" + domain + "/inbox")
			}
			if err := s.UpsertRemoteAccount(ctx, a); err != nil {
				t.Fatal(err)
			}
			followers = append(followers, a.ID)
			return a
		}
		remote("a", "one.example", true)
		remote("b", "one.example", true)
		remote("c", "two.example", false)
		gone := remote("d", "three.example", true)
		now := time.Now().UTC()
		if err := s.SetSuspended(ctx, gone.ID, &now); err != nil {
			t.Fatal(err)
		}
		for _, id := range followers {
			if err := s.UpsertFollow(ctx, &storage.Follow{AccountID: id, TargetAccountID: author.ID}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.FollowerInboxes(ctx, author.ID)
		want := []string{"https://one.example/inbox", "https://two.example/users/c/inbox"}
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("FollowerInboxes = %q, %v; want %q", got, err, want)
		}
		if got, err := s.FollowerInboxes(ctx, local.ID); err != nil || len(got) != 0 {
			t.Errorf("an account without followers: %q, %v", got, err)
		}
		if s.Dialect() != storage.SQLite {
			return
		}
		plan := strings.Join(storage.QueryPlan(t, s.DB(), strings.Replace(storage.FollowerInboxesSQL, "?", "1", 1)), "\n")
		if !strings.Contains(plan, "SEARCH a USING COVERING INDEX accounts_remote_inboxes") {
			t.Errorf("the plan does not read accounts_remote_inboxes:\n%s", plan)
		}
	})
}
