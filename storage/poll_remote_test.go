package storage_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestPollChoicesAndRefresh: received choices count once each (one per
// voter in a poll of one choice, each option once in one of several, all
// of them when they arrive together); a refresh with the same options
// replaces the tallies and keeps the votes, one with other options
// replaces them and drops the votes.
func TestPollChoicesAndRefresh(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		_, author, err := newLocal(ctx, s, "alice", "alice@example.org")
		if err != nil {
			t.Fatal(err)
		}
		voter, err := newRemote(ctx, s, "bob", "b.example")
		if err != nil {
			t.Fatal(err)
		}
		newPoll := func(multiple bool, titles ...string) *storage.Poll {
			t.Helper()
			st := &storage.Status{AccountID: author.ID, Local: true, Text: "q", Content: "<p>q</p>", Visibility: "public"}
			if err := s.InsertStatus(ctx, storage.NewStatus{Status: st}); err != nil {
				t.Fatal(err)
			}
			p := &storage.Poll{StatusID: st.ID, AccountID: author.ID, Multiple: multiple}
			for _, title := range titles {
				p.Options = append(p.Options, storage.PollOption{Title: title})
			}
			if err := s.InsertPoll(ctx, p); err != nil {
				t.Fatal(err)
			}
			return p
		}
		check := func(id int64, votes, voters int, tally ...int) {
			t.Helper()
			p, err := s.PollByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]int, len(p.Options))
			for i, o := range p.Options {
				got[i] = o.VotesCount
			}
			if p.VotesCount != votes || p.VotersCount != voters || len(got) != len(tally) {
				t.Fatalf("poll: %d votes, %d voters, tally %v; want %d, %d, %v", p.VotesCount, p.VotersCount, got, votes, voters, tally)
			}
			for i := range tally {
				if got[i] != tally[i] {
					t.Fatalf("tally %v, want %v", got, tally)
				}
			}
		}

		one := newPoll(false, "a", "b")
		audience := func(p *storage.Poll) bool {
			t.Helper()
			ok, err := s.PollHasRemoteAudience(ctx, author.ID, p.StatusID, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if audience(one) {
			t.Error("a poll nobody remote follows, is mentioned in or voted in has a remote audience")
		}
		if err := s.AddPollChoice(ctx, one.ID, voter.ID, 1, "https://b.example/v/1", false); err != nil {
			t.Fatal(err)
		}
		if !audience(one) {
			t.Error("a poll with a remote voter has no remote audience")
		}
		if err := s.AddPollChoice(ctx, one.ID, voter.ID, 0, "https://b.example/v/2", false); !errors.Is(err, storage.ErrConflict) {
			t.Fatalf("second choice in a poll of one: %v, want ErrConflict", err)
		}
		check(one.ID, 1, 1, 0, 1)

		several := newPoll(true, "a", "b", "c", "d")
		var wg sync.WaitGroup
		errs := make([]error, 3)
		for i, c := range []int{0, 2, 3} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.AddPollChoice(ctx, several.ID, voter.ID, c, "https://b.example/v/m", true)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("choices arriving together: %v", err)
			}
		}
		if err := s.AddPollChoice(ctx, several.ID, voter.ID, 2, "https://b.example/v/m2", true); !errors.Is(err, storage.ErrConflict) {
			t.Fatalf("the same option twice: %v, want ErrConflict", err)
		}
		check(several.ID, 3, 1, 1, 0, 1, 1)
		choices, err := s.PollChoices(ctx, voter.ID, []int64{several.ID})
		if err != nil || len(choices[several.ID]) != 3 {
			t.Fatalf("choices = %v, %v", choices, err)
		}

		// Refresh with the same options: tallies replaced, votes kept.
		end := time.Now().Add(time.Hour).UTC().Truncate(time.Millisecond)
		fresh := &storage.Poll{ID: one.ID, Multiple: false, ExpiresAt: &end, VotersCount: 9,
			Options: []storage.PollOption{{Title: "a", VotesCount: 4}, {Title: "b", VotesCount: 5}}}
		if reset, err := s.RefreshPoll(ctx, fresh); err != nil || reset {
			t.Fatalf("refresh = %v, %v", reset, err)
		}
		check(one.ID, 9, 9, 4, 5)
		if c, _ := s.PollChoices(ctx, voter.ID, []int64{one.ID}); len(c[one.ID]) != 1 {
			t.Errorf("the vote cast here went: %v", c)
		}
		// Other options: replaced, and the votes cast here dropped.
		fresh.Options = []storage.PollOption{{Title: "x", VotesCount: 1}, {Title: "y"}, {Title: "z", VotesCount: 2}}
		fresh.VotersCount = 3
		if reset, err := s.RefreshPoll(ctx, fresh); err != nil || !reset {
			t.Fatalf("refresh with new options = %v, %v", reset, err)
		}
		check(one.ID, 3, 3, 1, 0, 2)
		if c, _ := s.PollChoices(ctx, voter.ID, []int64{one.ID}); len(c[one.ID]) != 0 {
			t.Errorf("a vote for the old options stayed: %v", c)
		}
	})
}

// TestActivityByURI: follows, follow requests, blocks, favourites and live
// boosts are found by the ActivityPub id recorded for them.
func TestActivityByURI(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		_, local, err := newLocal(ctx, s, "alice", "alice@example.org")
		if err != nil {
			t.Fatal(err)
		}
		remote, err := newRemote(ctx, s, "bob", "b.example")
		if err != nil {
			t.Fatal(err)
		}
		st := &storage.Status{AccountID: local.ID, Local: true, Text: "q", Content: "<p>q</p>", Visibility: "public"}
		if err := s.InsertStatus(ctx, storage.NewStatus{Status: st}); err != nil {
			t.Fatal(err)
		}
		if err := s.UpsertFollow(ctx, &storage.Follow{AccountID: remote.ID, TargetAccountID: local.ID}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetFollowURI(ctx, remote.ID, local.ID, "https://b.example/f/1"); err != nil {
			t.Fatal(err)
		}
		if err := s.InsertBlock(ctx, &storage.Block{AccountID: remote.ID, TargetAccountID: local.ID}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetBlockURI(ctx, remote.ID, local.ID, "https://b.example/b/1"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddMark(ctx, storage.Favourite, remote.ID, st.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.SetFavouriteURI(ctx, remote.ID, st.ID, "https://b.example/l/1"); err != nil {
			t.Fatal(err)
		}
		boostURI := "https://b.example/a/1"
		boost := &storage.Status{AccountID: remote.ID, URI: &boostURI, ReblogOfID: &st.ID, Visibility: "public"}
		if err := s.InsertStatus(ctx, storage.NewStatus{Status: boost}); err != nil {
			t.Fatal(err)
		}
		for uri, want := range map[string]storage.PastActivity{
			"https://b.example/f/1": {Kind: storage.ActivityFollow, AccountID: remote.ID, TargetAccountID: local.ID},
			"https://b.example/b/1": {Kind: storage.ActivityBlock, AccountID: remote.ID, TargetAccountID: local.ID},
			"https://b.example/l/1": {Kind: storage.ActivityFavourite, AccountID: remote.ID, StatusID: st.ID},
			"https://b.example/a/1": {Kind: storage.ActivityReblog, AccountID: remote.ID, StatusID: st.ID},
		} {
			got, err := s.ActivityByURI(ctx, uri)
			if err != nil || *got != want {
				t.Errorf("%s = %+v, %v; want %+v", uri, got, err, want)
			}
		}
		if _, err := s.ActivityByURI(ctx, "https://b.example/unknown"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("unknown id: %v", err)
		}
	})
}
