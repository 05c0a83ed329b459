package poll_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/core/poll"
	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestReceiveVote: a vote from another server counts under the rules of a
// local vote. A remote voter outside a followers-only poll's audience is
// not counted (nor told it exists); a follower is, once per poll of one
// choice; votes after the end are refused; a counted vote is published.
func TestReceiveVote(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		inst := instance.Config{Domain: "rounds.example", Protocol: "https"}
		alice, err := account.New(s, inst, log).Create(ctx, account.NewAccount{
			Username: "alice", Email: "alice@example.org", Password: "correct horse battery", Approved: true, Confirmed: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		remote := func(name string) *storage.Account {
			uri := "https://b.example/users/" + name
			inbox := uri + "/inbox"
			a := &storage.Account{Username: name, Domain: "b.example", ActorType: storage.ActorPerson, URI: &uri, InboxURI: &inbox, PublicKeyPEM: "pem"}
			if err := s.CreateAccount(ctx, a); err != nil {
				t.Fatal(err)
			}
			return a
		}
		follower, stranger := remote("follower"), remote("stranger")
		if err := s.UpsertFollow(ctx, &storage.Follow{AccountID: follower.ID, TargetAccountID: alice.ID}); err != nil {
			t.Fatal(err)
		}
		profiles := profile.New(s, inst)
		timelines := timeline.New(s, profiles)
		posts := post.New(s, inst, profiles, timelines, log)
		rec := &recorder{}
		polls, err := poll.New(s, timelines, job.New(s, job.Config{}, log), log)
		if err != nil {
			t.Fatal(err)
		}
		polls.WithPublisher(rec)
		d := post.Draft{Text: "which?", Visibility: "private"}
		if err := polls.Attach(&d, poll.Draft{Options: []string{"a", "b"}, ExpiresIn: poll.MinExpiresIn}); err != nil {
			t.Fatal(err)
		}
		st, err := posts.Create(ctx, alice, d)
		if err != nil {
			t.Fatal(err)
		}

		if err := polls.ReceiveVote(ctx, stranger, st.ID, 0, "https://b.example/v/1"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("a vote from outside the audience = %v, want ErrNotFound", err)
		}
		if err := polls.ReceiveVote(ctx, follower, st.ID, 1, "https://b.example/v/2"); err != nil {
			t.Fatalf("the follower's vote: %v", err)
		}
		if err := polls.ReceiveVote(ctx, follower, st.ID, 0, "https://b.example/v/3"); !errors.Is(err, core.ErrConflict) {
			t.Errorf("a second vote in a poll of one choice = %v, want ErrConflict", err)
		}
		if err := polls.ReceiveVote(ctx, alice, st.ID, 0, "https://b.example/v/4"); !errors.Is(err, core.ErrForbidden) {
			t.Errorf("a local account's vote through the inbox = %v, want ErrForbidden", err)
		}
		p, err := polls.Get(ctx, alice, st.Poll.ID)
		if err != nil || p.VotersCount != 1 || p.Options[0].VotesCount != 0 || p.Options[1].VotesCount != 1 {
			t.Fatalf("poll after the votes: %+v, %v", p, err)
		}
		if len(rec.events) != 1 {
			t.Fatalf("events = %+v", rec.events)
		}
		if v, ok := rec.events[0].(outbox.Voted); !ok || v.Voter.ID != follower.ID || v.Author.ID != alice.ID || v.Choices[0] != 1 {
			t.Errorf("event = %+v", rec.events[0])
		}

		// After the end: refused.
		if _, err := s.ClosePoll(ctx, st.Poll.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		late := remote("late")
		if err := s.UpsertFollow(ctx, &storage.Follow{AccountID: late.ID, TargetAccountID: alice.ID}); err != nil {
			t.Fatal(err)
		}
		if err := polls.ReceiveVote(ctx, late, st.ID, 0, "https://b.example/v/5"); !errors.Is(err, core.ErrInvalid) {
			t.Errorf("a vote after the end = %v, want ErrInvalid", err)
		}
	})
}
