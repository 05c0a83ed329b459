package storage_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestTiesOf: one query reads follows (with their options), follow
// requests and blocks in both directions, only among the accounts asked
// about, and nothing about oneself.
func TestTiesOf(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		id := map[string]int64{}
		name := map[int64]string{}
		for _, n := range []string{"ana", "ben", "cy", "dee", "eve", "fay", "gus"} {
			_, a, err := newLocal(ctx, s, n, n+"@example.org")
			if err != nil {
				t.Fatal(err)
			}
			id[n], name[a.ID] = a.ID, n
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(s.UpsertFollow(ctx, &storage.Follow{AccountID: id["ana"], TargetAccountID: id["ben"], Notify: true, ShowReblogs: true}))
		must(s.UpsertFollow(ctx, &storage.Follow{AccountID: id["ana"], TargetAccountID: id["fay"], ShowReblogs: false}))
		must(s.UpsertFollow(ctx, &storage.Follow{AccountID: id["ben"], TargetAccountID: id["ana"], ShowReblogs: true}))
		if _, err := s.UpsertFollowRequest(ctx, &storage.FollowRequest{AccountID: id["ana"], TargetAccountID: id["cy"]}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertFollowRequest(ctx, &storage.FollowRequest{AccountID: id["eve"], TargetAccountID: id["ana"]}); err != nil {
			t.Fatal(err)
		}
		must(s.InsertBlock(ctx, &storage.Block{AccountID: id["dee"], TargetAccountID: id["ana"]}))
		must(s.InsertBlock(ctx, &storage.Block{AccountID: id["ana"], TargetAccountID: id["eve"]}))
		// Relations among others do not concern ana.
		must(s.UpsertFollow(ctx, &storage.Follow{AccountID: id["ben"], TargetAccountID: id["cy"], ShowReblogs: true}))
		must(s.InsertBlock(ctx, &storage.Block{AccountID: id["cy"], TargetAccountID: id["ben"]}))

		names := func(m map[int64]bool) []string {
			var out []string
			for k := range maps.Keys(m) {
				out = append(out, name[k])
			}
			slices.Sort(out)
			return out
		}
		all := []int64{id["ana"], id["ben"], id["cy"], id["dee"], id["eve"], id["fay"]} // not gus; ana herself too
		ties, err := s.TiesOf(ctx, id["ana"], all)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			set  string
			got  map[int64]bool
			want []string
		}{
			{"Following", ties.Following, []string{"ben", "fay"}},
			{"FollowedBy", ties.FollowedBy, []string{"ben"}},
			{"Requested", ties.Requested, []string{"cy"}},
			{"RequestedBy", ties.RequestedBy, []string{"eve"}},
			{"Blocking", ties.Blocking, []string{"eve"}},
			{"BlockedBy", ties.BlockedBy, []string{"dee"}},
			{"Notifying", ties.Notifying, []string{"ben"}},
			{"NoReblogs", ties.NoReblogs, []string{"fay"}},
		} {
			if got := names(tc.got); !slices.Equal(got, tc.want) {
				t.Errorf("%s = %v, want %v", tc.set, got, tc.want)
			}
		}

		// Only the accounts asked about.
		ties, err = s.TiesOf(ctx, id["ana"], []int64{id["cy"], id["gus"]})
		if err != nil {
			t.Fatal(err)
		}
		if len(ties.Following)+len(ties.FollowedBy)+len(ties.BlockedBy)+len(ties.Blocking) != 0 || !slices.Equal(names(ties.Requested), []string{"cy"}) {
			t.Errorf("ties to cy and gus = %+v", ties)
		}
		// Oneself, alone or with nobody: no relations, and the maps exist.
		for _, others := range [][]int64{{id["ana"]}, nil} {
			ties, err = s.TiesOf(ctx, id["ana"], others)
			if err != nil || ties.Following == nil || len(ties.Following)+len(ties.FollowedBy) != 0 {
				t.Errorf("ties to %v = %+v, %v", others, ties, err)
			}
		}
	})
}

// TestAccountsByIDsLeavesPrivateKeys: accounts read to be shown come
// without their private key, and with everything else.
func TestAccountsByIDsLeavesPrivateKeys(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		key := "-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----\n"
		u := &storage.User{Email: "ana@example.org", PasswordHash: "hash", Role: "member"}
		a := &storage.Account{Username: "ana", ActorType: storage.ActorPerson, DisplayName: "Ana", PublicKeyPEM: "public", PrivateKeyPEM: &key}
		if err := s.CreateLocalAccount(ctx, u, a); err != nil {
			t.Fatal(err)
		}
		got, err := s.AccountsByIDs(ctx, []int64{a.ID, 42})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 {
			t.Fatalf("%d accounts, want 1", len(got))
		}
		g := got[a.ID]
		if g == nil || g.PrivateKeyPEM != nil || g.Username != "ana" || g.DisplayName != "Ana" || g.PublicKeyPEM != "public" || g.UserID == nil || *g.UserID != u.ID {
			t.Fatalf("AccountsByIDs = %+v, want ana without her private key", g)
		}
		// The key is still there for those who sign.
		if full, err := s.AccountByID(ctx, a.ID); err != nil || full.PrivateKeyPEM == nil || *full.PrivateKeyPEM != key {
			t.Fatalf("AccountByID lost the key: %+v %v", full, err)
		}
	})
}
