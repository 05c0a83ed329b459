package timeline_test

import (
	"context"
	"testing"

	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// AuthorTies hands on the ties that decided a page, for its authors and
// its boosted statuses' authors, and only for the viewer they were read
// for: for anyone else, or a page holding a status Visible did not
// decide for that viewer, the caller must read the ties itself.
func TestAuthorTies(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		mk := func(name string) *storage.Account {
			a := &storage.Account{Username: name, ActorType: storage.ActorPerson}
			if err := s.CreateAccount(ctx, a); err != nil {
				t.Fatal(err)
			}
			return a
		}
		reader, followed, stranger, other := mk("reader"), mk("followed"), mk("stranger"), mk("other")
		if err := s.UpsertFollow(ctx, &storage.Follow{AccountID: reader.ID, TargetAccountID: followed.ID, ShowReblogs: true}); err != nil {
			t.Fatal(err)
		}
		write := func(author *storage.Account, boosts *int64) storage.Status {
			st := &storage.Status{AccountID: author.ID, Local: true, Visibility: "public", ReblogOfID: boosts}
			if err := s.InsertStatus(ctx, storage.NewStatus{Status: st}); err != nil {
				t.Fatal(err)
			}
			return *st
		}
		own, strangers := write(reader, nil), write(stranger, nil)
		boost := write(followed, &strangers.ID)
		tl := timeline.New(s, profile.New(s, instance.Config{Domain: "rounds.example", Protocol: "https"}))
		page, err := tl.Visible(ctx, reader, []storage.Status{boost, own})
		if err != nil || len(page) != 2 || page[0].Reblog == nil {
			t.Fatalf("page: %d statuses, %v", len(page), err)
		}

		ties, ok := timeline.AuthorTies(reader, page)
		if !ok {
			t.Fatal("the page's authors are not covered")
		}
		if !ties.Following[followed.ID] || ties.Following[stranger.ID] || ties.Following[reader.ID] {
			t.Errorf("following %v, want only %d", ties.Following, followed.ID)
		}
		if len(ties.BlockedBy)+len(ties.Blocking) != 0 {
			t.Errorf("blocks %v %v, want none", ties.BlockedBy, ties.Blocking)
		}

		anon, err := tl.Visible(ctx, nil, []storage.Status{strangers})
		if err != nil || len(anon) != 1 {
			t.Fatalf("anonymous page: %d statuses, %v", len(anon), err)
		}
		for _, tc := range []struct {
			name   string
			viewer *storage.Account
			sts    []timeline.Status
		}{
			{"another viewer", other, page},
			{"anonymous", nil, page},
			{"a status decided for anonymous", reader, anon},
			{"a status not decided by Visible", reader, []timeline.Status{page[1], {Status: boost}}},
			{"a boosted status not decided by Visible", reader, []timeline.Status{{Status: boost, Reblog: &timeline.Status{Status: strangers}}}},
		} {
			if ties, ok := timeline.AuthorTies(tc.viewer, tc.sts); ok {
				t.Errorf("%s: ties %+v handed on", tc.name, ties)
			}
		}
	})
}
