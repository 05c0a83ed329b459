package mastodon_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/core/poll"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

func TestPollCreate(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s, webtest.WithManualJobs())
		alice := signIn(t, srv, "alice")
		before := time.Now()

		// JSON, as Mastodon.py and masto.js send it.
		var st statusWithPoll
		postJSON(t, alice, "/api/v1/statuses", map[string]any{
			"status": "Which protocol?", "poll": map[string]any{"options": []string{"A", "B", "C"}, "expires_in": 600},
		}, 200, &st)
		p := st.Poll
		if p == nil || p.ID == "" || len(p.Options) != 3 || p.Options[0].Title != "A" || p.Options[2].Title != "C" ||
			p.Expired || p.Multiple || p.VotesCount != 0 || p.VotersCount == nil || *p.VotersCount != 0 ||
			p.Emojis == nil || p.Voted == nil || !*p.Voted || p.OwnVotes == nil || len(p.OwnVotes) != 0 {
			t.Fatalf("poll = %+v", p)
		}
		for _, o := range p.Options {
			if o.VotesCount == nil || *o.VotesCount != 0 {
				t.Errorf("option %+v", o)
			}
		}
		end, err := time.Parse("2006-01-02T15:04:05.000Z", *p.ExpiresAt)
		if err != nil || end.Before(before.Add(599*time.Second)) || end.After(time.Now().Add(601*time.Second)) {
			t.Errorf("expires_at = %s (%v)", *p.ExpiresAt, err)
		}
		// The status carries it wherever it is read, anonymously too.
		var again statusWithPoll
		get(t, srv, nil, "/api/v1/statuses/"+st.ID, 200, &again)
		if again.Poll == nil || again.Poll.ID != p.ID || *again.Poll.Voted || len(again.Poll.OwnVotes) != 0 {
			t.Errorf("anonymous status poll = %+v", again.Poll)
		}
		var home []statusWithPoll
		get(t, srv, alice, "/api/v1/timelines/home", 200, &home)
		if len(home) != 1 || home[0].Poll == nil || home[0].Poll.ID != p.ID {
			t.Errorf("home = %+v", home)
		}
		// A plain status has "poll": null.
		var plain map[string]any
		postJSON(t, alice, "/api/v1/statuses", map[string]any{"status": "no poll"}, 200, &plain)
		if v, ok := plain["poll"]; !ok || v != nil {
			t.Errorf("plain status poll = %v, %v", v, ok)
		}

		// Form, with Rails-style keys and lenient booleans.
		var form statusWithPoll
		postForm(t, alice, "/api/v1/statuses", url.Values{
			"status": {"form poll"}, "poll[options][]": {"yes", "no"}, "poll[expires_in]": {"300"},
			"poll[multiple]": {"1"}, "poll[hide_totals]": {"True"},
		}, 200, &form)
		if form.Poll == nil || !form.Poll.Multiple || len(form.Poll.Options) != 2 {
			t.Errorf("form poll = %+v", form.Poll)
		}
		// Its author sees the totals even while they are hidden.
		if form.Poll.Options[0].VotesCount == nil {
			t.Errorf("author sees no totals: %+v", form.Poll.Options)
		}

		// The close job waits for the end.
		counts, err := s.JobCounts(context.Background())
		if err != nil || counts[poll.CloseKind][storage.JobAvailable] != 2 {
			t.Errorf("close jobs = %v, %v", counts[poll.CloseKind], err)
		}
	})
}

func TestPollCreateErrors(t *testing.T) {
	long := strings.Repeat("x", 51)
	cases := []struct {
		name string
		poll map[string]any
	}{
		{"one option", map[string]any{"options": []string{"A"}, "expires_in": 600}},
		{"five options", map[string]any{"options": []string{"A", "B", "C", "D", "E"}, "expires_in": 600}},
		{"long option", map[string]any{"options": []string{"A", long}, "expires_in": 600}},
		{"blank option", map[string]any{"options": []string{"A", " "}, "expires_in": 600}},
		{"duplicate options", map[string]any{"options": []string{"A", "A"}, "expires_in": 600}},
		{"too soon", map[string]any{"options": []string{"A", "B"}, "expires_in": 299}},
		{"too late", map[string]any{"options": []string{"A", "B"}, "expires_in": 2629747}},
		{"no expiry", map[string]any{"options": []string{"A", "B"}}},
		{"bad expiry", map[string]any{"options": []string{"A", "B"}, "expires_in": "soon"}},
		{"bad multiple", map[string]any{"options": []string{"A", "B"}, "expires_in": 600, "multiple": "perhaps"}},
	}
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s, webtest.WithManualJobs())
		alice := signIn(t, srv, "alice")
		for _, tc := range cases {
			wantError(t, srv, alice, "POST", "/api/v1/statuses", map[string]any{"status": tc.name, "poll": tc.poll}, 422)
		}
		// A poll and media together.
		wantError(t, srv, alice, "POST", "/api/v1/statuses", map[string]any{
			"status": "both", "media_ids": []string{"123"}, "poll": map[string]any{"options": []string{"A", "B"}, "expires_in": 600},
		}, 422)
		// Nothing was stored.
		var mine []status
		get(t, srv, alice, "/api/v1/accounts/"+idStr(alice.ID)+"/statuses", 200, &mine)
		if len(mine) != 0 {
			t.Errorf("statuses stored by failed polls: %v", ids(mine))
		}
		counts, err := s.JobCounts(context.Background())
		if err != nil || len(counts[poll.CloseKind]) != 0 {
			t.Errorf("close jobs = %v, %v", counts[poll.CloseKind], err)
		}
	})
}

func TestPollVoting(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s, webtest.WithManualJobs())
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		carol := signIn(t, srv, "carol")
		dave := signIn(t, srv, "dave")
		var single, multi, private statusWithPoll
		postJSON(t, alice, "/api/v1/statuses", map[string]any{
			"status": "single", "poll": map[string]any{"options": []string{"A", "B", "C"}, "expires_in": 600},
		}, 200, &single)
		postJSON(t, alice, "/api/v1/statuses", map[string]any{
			"status": "multi", "poll": map[string]any{"options": []string{"A", "B", "C"}, "expires_in": 600, "multiple": true, "hide_totals": true},
		}, 200, &multi)
		follows(t, carol, alice)
		postJSON(t, alice, "/api/v1/statuses", map[string]any{
			"status": "followers only", "visibility": "private", "poll": map[string]any{"options": []string{"A", "B"}, "expires_in": 600},
		}, 200, &private)
		sp, mp, pp := single.Poll.ID, multi.Poll.ID, private.Poll.ID

		p := vote(t, bob, sp, 200, "1")
		if p.VotesCount != 1 || *p.VotersCount != 1 || !*p.Voted || len(p.OwnVotes) != 1 || p.OwnVotes[0] != 1 ||
			*p.Options[1].VotesCount != 1 || *p.Options[0].VotesCount != 0 {
			t.Errorf("after bob's vote = %+v", p)
		}
		vote(t, bob, sp, 422, "2")        // once only
		vote(t, alice, sp, 422, "0")      // not on one's own poll
		vote(t, carol, sp, 422, "0", "1") // one choice only
		vote(t, carol, sp, 422, "3")      // no such option
		vote(t, carol, sp, 422, "-1")
		vote(t, carol, sp, 422) // no choice
		vote(t, carol, sp, 422, "one")
		vote(t, carol, sp, 200, "0")

		// Several choices where allowed, counted per choice and per voter.
		p = vote(t, bob, mp, 200, "0", "2")
		if p.VotesCount != 2 || *p.VotersCount != 1 || len(p.OwnVotes) != 2 || p.OwnVotes[1] != 2 || p.Options[2].VotesCount != nil {
			t.Errorf("multiple = %+v", p)
		}
		vote(t, carol, mp, 422, "1", "1") // duplicates
		// Hidden totals: voters and strangers see no tallies until the end;
		// the total stays.
		var seen pollJSON
		get(t, srv, dave, "/api/v1/polls/"+mp, 200, &seen)
		if seen.VotesCount != 2 || seen.Options[0].VotesCount != nil || *seen.Voted {
			t.Errorf("hidden totals for dave = %+v", seen)
		}
		get(t, srv, alice, "/api/v1/polls/"+mp, 200, &seen)
		if seen.Options[0].VotesCount == nil || *seen.Options[0].VotesCount != 1 {
			t.Errorf("author's view = %+v", seen)
		}

		// A poll on a status the voter may not see is not there.
		get(t, srv, dave, "/api/v1/polls/"+pp, 404, nil)
		get(t, srv, nil, "/api/v1/polls/"+pp, 404, nil)
		vote(t, dave, pp, 404, "0")
		vote(t, carol, pp, 200, "0")

		// Unknown and malformed IDs.
		get(t, srv, nil, "/api/v1/polls/123", 404, nil)
		get(t, srv, nil, "/api/v1/polls/abc", 404, nil)
		vote(t, bob, "123", 404, "0")
		// Voting needs a user token with write:statuses.
		reader := tokenFor(t, srv, dave.Account, "read")
		vote(t, reader, sp, 403, "0")
		res := do(t, srv, nil, "POST", "/api/v1/polls/"+sp+"/votes", "application/x-www-form-urlencoded", strings.NewReader("choices[]=0"))
		decode(t, res, 401, nil)

		// Anonymous readers see the public poll, without a vote.
		var anon pollJSON
		get(t, srv, nil, "/api/v1/polls/"+sp, 200, &anon)
		if anon.VotesCount != 2 || *anon.Voted || len(anon.OwnVotes) != 0 {
			t.Errorf("anonymous = %+v", anon)
		}
	})
}

func TestPollExpiry(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		clk := &clock{}
		srv := webtest.Start(t, s, webtest.WithManualJobs(), webtest.WithJobClock(clk.Now))
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		carol := signIn(t, srv, "carol")
		dave := signIn(t, srv, "dave")
		var st, other statusWithPoll
		postJSON(t, alice, "/api/v1/statuses", map[string]any{
			"status": "ends soon", "poll": map[string]any{"options": []string{"A", "B"}, "expires_in": 300, "hide_totals": true},
		}, 200, &st)
		postJSON(t, alice, "/api/v1/statuses", map[string]any{
			"status": "ends later", "poll": map[string]any{"options": []string{"A", "B"}, "expires_in": 3600},
		}, 200, &other)
		id := st.Poll.ID
		vote(t, bob, id, 200, "0")
		vote(t, carol, id, 200, "1")
		vote(t, dave, other.Poll.ID, 200, "1")

		// Nothing is due yet.
		if n := runJobs(t, srv); n != 0 {
			t.Fatalf("%d jobs ran before the end", n)
		}
		clk.advance(301 * time.Second)
		if n := runJobs(t, srv); n != 1 {
			t.Fatalf("%d jobs ran at the end, want 1", n)
		}
		var p pollJSON
		get(t, srv, carol, "/api/v1/polls/"+id, 200, &p)
		if !p.Expired || p.Options[0].VotesCount == nil || *p.Options[0].VotesCount != 1 || *p.Options[1].VotesCount != 1 {
			t.Errorf("closed poll = %+v", p)
		}
		vote(t, dave, id, 422, "0") // over

		// The author and the voters hear of it; the other poll's voter not.
		if got := notificationTypes(t, alice); got != "poll:alice" {
			t.Errorf("alice's notifications = %q", got)
		}
		for _, u := range []*user{bob, carol} {
			if got := notificationTypes(t, u); got != "poll:alice" {
				t.Errorf("%s's notifications = %q", u.Username, got)
			}
		}
		if got := notificationTypes(t, dave); got != "" {
			t.Errorf("dave's notifications = %q", got)
		}
		var ns []notification
		get(t, srv, bob, "/api/v1/notifications", 200, &ns)
		if ns[0].Status == nil || ns[0].Status.ID != st.ID {
			t.Errorf("poll notification status = %+v", ns[0].Status)
		}

		// A second run of the job (a crash after commit) notifies no more.
		if _, err := srv.Jobs.Enqueue(context.Background(), s, poll.CloseKind, map[string]any{"poll_id": parseID(t, id)}, job.Options{}); err != nil {
			t.Fatal(err)
		}
		if n := runJobs(t, srv); n != 1 {
			t.Fatalf("%d jobs ran for the duplicate", n)
		}
		if got := notificationTypes(t, bob); got != "poll:alice" {
			t.Errorf("after a second run, bob's notifications = %q", got)
		}

		// A deleted status's poll closes without notifying.
		sendJSON(t, alice, "DELETE", "/api/v1/statuses/"+other.ID, nil, 200, nil)
		clk.advance(time.Hour)
		runJobs(t, srv)
		if got := notificationTypes(t, dave); got != "" {
			t.Errorf("dave's notifications after a deleted poll = %q", got)
		}
	})
}
