package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

func TestPollVotes(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		_, author, err := newLocal(ctx, s, "alice", "alice@example.org")
		if err != nil {
			t.Fatal(err)
		}
		_, voter, err := newLocal(ctx, s, "bob", "bob@example.org")
		if err != nil {
			t.Fatal(err)
		}
		st := &storage.Status{AccountID: author.ID, Local: true, Text: "q", Content: "<p>q</p>", Visibility: "public"}
		if err := s.InsertStatus(ctx, storage.NewStatus{Status: st}); err != nil {
			t.Fatal(err)
		}
		end := time.Now().Add(time.Hour)
		p := &storage.Poll{StatusID: st.ID, AccountID: author.ID, Multiple: true, ExpiresAt: &end,
			Options: []storage.PollOption{{Title: "a"}, {Title: "b"}, {Title: "c"}}}
		if err := s.InsertPoll(ctx, p); err != nil {
			t.Fatal(err)
		}
		if err := s.InsertPollVote(ctx, p.ID, voter.ID, []int{0, 2}); err != nil {
			t.Fatal(err)
		}
		// One vote per account: a second one changes nothing.
		if err := s.InsertPollVote(ctx, p.ID, voter.ID, []int{1}); !errors.Is(err, storage.ErrConflict) {
			t.Fatalf("second vote = %v, want ErrConflict", err)
		}
		got, err := s.PollByID(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.VotesCount != 2 || got.VotersCount != 1 || len(got.Options) != 3 ||
			got.Options[0].VotesCount != 1 || got.Options[1].VotesCount != 0 || got.Options[2].VotesCount != 1 || got.Options[2].Title != "c" {
			t.Errorf("poll = %+v", got)
		}
		choices, err := s.PollChoices(ctx, voter.ID, []int64{p.ID})
		if err != nil || len(choices[p.ID]) != 2 || choices[p.ID][1] != 2 {
			t.Errorf("choices = %v, %v", choices, err)
		}
		// Closing happens once.
		for i, want := range []bool{true, false} {
			closed, err := s.ClosePoll(ctx, p.ID, time.Now())
			if err != nil || closed != want {
				t.Errorf("close %d = %v, %v", i, closed, err)
			}
		}
	})
}

func TestTouchConversation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		_, alice, err := newLocal(ctx, s, "alice", "alice@example.org")
		if err != nil {
			t.Fatal(err)
		}
		_, bob, err := newLocal(ctx, s, "bob", "bob@example.org")
		if err != nil {
			t.Fatal(err)
		}
		remote, err := newRemote(ctx, s, "zed", "remote.example")
		if err != nil {
			t.Fatal(err)
		}
		dm := func(author *storage.Account, id int64, conv int64) *storage.Status {
			st := &storage.Status{ID: id, AccountID: author.ID, Local: author.Local(), Text: "dm", Content: "<p>dm</p>", Visibility: "direct"}
			if conv != 0 {
				st.ConversationID = &conv
			}
			if err := s.InsertStatus(ctx, storage.NewStatus{Status: st}); err != nil {
				t.Fatal(err)
			}
			return st
		}
		older := s.NewID()
		newer := s.NewID()
		first := dm(alice, newer, 0)
		if err := s.TouchConversation(ctx, first, []int64{bob.ID, remote.ID}); err != nil {
			t.Fatal(err)
		}
		// An older status arriving late changes nothing.
		late := dm(bob, older, newer)
		if err := s.TouchConversation(ctx, late, []int64{alice.ID}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			a      *storage.Account
			unread bool
		}{{alice, false}, {bob, true}} {
			cs, err := s.Conversations(ctx, tc.a.ID, storage.Page{Limit: 10})
			if err != nil || len(cs) != 1 || cs[0].LastStatusID != newer || cs[0].Unread != tc.unread || cs[0].ConversationID != newer {
				t.Errorf("%s: %+v, %v", tc.a.Username, cs, err)
			}
		}
		// Remote participants have no conversation rows here.
		if cs, err := s.Conversations(ctx, remote.ID, storage.Page{Limit: 10}); err != nil || len(cs) != 0 {
			t.Errorf("remote: %+v, %v", cs, err)
		}
	})
}
