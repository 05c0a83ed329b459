package poll_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

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

// recorder keeps the events published to it, failing when fail is set.
type recorder struct {
	events []outbox.Event
	fail   error
}

func (r *recorder) Publish(_ context.Context, _ *storage.Store, ev outbox.Event) error {
	if r.fail != nil {
		return r.fail
	}
	r.events = append(r.events, ev)
	return nil
}

// A vote is told to the publisher in its transaction: a publisher that
// fails leaves no vote behind.
func TestVotePublished(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		inst := instance.Config{Domain: "rounds.example", Protocol: "https"}
		accounts := account.New(s, inst, log)
		mk := func(name string) *storage.Account {
			a, err := accounts.Create(ctx, account.NewAccount{Username: name, Email: name + "@example.org", Password: "correct horse battery", Approved: true, Confirmed: true})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		alice, bob := mk("alice"), mk("bob")
		profiles := profile.New(s, inst)
		timelines := timeline.New(s, profiles)
		posts := post.New(s, inst, profiles, timelines, log)
		rec := &recorder{}
		polls, err := poll.New(s, timelines, job.New(s, job.Config{}, log), log)
		if err != nil {
			t.Fatal(err)
		}
		polls.WithPublisher(rec)
		d := post.Draft{Text: "which?"}
		if err := polls.Attach(&d, poll.Draft{Options: []string{"a", "b"}, ExpiresIn: poll.MinExpiresIn}); err != nil {
			t.Fatal(err)
		}
		st, err := posts.Create(ctx, alice, d)
		if err != nil {
			t.Fatal(err)
		}
		id := st.Poll.ID

		rec.fail = errors.New("delivery queue unavailable")
		if _, err := polls.Vote(ctx, bob, id, []int{1}); !errors.Is(err, rec.fail) {
			t.Fatalf("vote with a failing publisher = %v", err)
		}
		if p, err := polls.Get(ctx, bob, id); err != nil || p.Voted || p.VotesCount != 0 {
			t.Fatalf("after a failed vote: %+v, %v", p, err)
		}
		rec.fail = nil
		p, err := polls.Vote(ctx, bob, id, []int{1})
		if err != nil || !p.Voted || p.VotesCount != 1 {
			t.Fatalf("vote = %+v, %v", p, err)
		}
		if len(rec.events) != 1 {
			t.Fatalf("events = %+v", rec.events)
		}
		v, ok := rec.events[0].(outbox.Voted)
		if !ok || v.Voter.ID != bob.ID || v.Author.ID != alice.ID || v.Status.ID != st.ID || v.Poll.ID != id || len(v.Choices) != 1 || v.Choices[0] != 1 {
			t.Errorf("event = %+v", rec.events[0])
		}
	})
}
