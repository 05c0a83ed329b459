package federationtest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/core/poll"
	"github.com/rounds-md/rounds/federation/federationtest"
	"github.com/rounds-md/rounds/storage"
)

// apiPoll is the part of the Mastodon Poll entity the tests read.
type apiPoll struct {
	ID          string `json:"id"`
	Expired     bool   `json:"expired"`
	Multiple    bool   `json:"multiple"`
	VotesCount  int    `json:"votes_count"`
	VotersCount int    `json:"voters_count"`
	Voted       bool   `json:"voted"`
	OwnVotes    []int  `json:"own_votes"`
	Options     []struct {
		Title      string `json:"title"`
		VotesCount *int   `json:"votes_count"`
	} `json:"options"`
}

// tally is a poll's per-option counts (-1 for a hidden one).
func (p apiPoll) tally() []int {
	out := make([]int, len(p.Options))
	for i, o := range p.Options {
		out[i] = -1
		if o.VotesCount != nil {
			out[i] = *o.VotesCount
		}
	}
	return out
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestPollsAcrossInstances: a local poll federates as a Question; an
// instance that receives it shows the poll, its users vote on it through
// the Mastodon API and the vote (a Note named after the option, to the
// author) is counted by the poll's instance, whose Update of the Question
// brings every instance the new tallies, and at the end, the poll closed.
// A poll of several choices takes each choice of one voter.
func TestPollsAcrossInstances(t *testing.T) {
	eachDB(t, func(t *testing.T, d storage.Dialect) {
		a, b := start(t, d, 0), start(t, d, 1)
		alice := a.signIn(t, "alice", false)
		dave := a.signIn(t, "dave", false) // votes on alice's instance
		bob := b.signIn(t, "bob", false)
		bob.follow(t, alice)
		eventually(t, "bob to follow alice", func() bool { return bob.relationship(t, alice).Following })

		var st struct {
			apiStatus
			Poll *apiPoll `json:"poll"`
		}
		alice.api(t, http.MethodPost, "/api/v1/statuses", url.Values{
			"status": {"First-line imaging for suspected PE in pregnancy?"}, "visibility": {"public"},
			"poll[options][]": {"CTPA", "V/Q scan"}, "poll[expires_in]": {"3600"},
		}, 200, &st)
		if st.Poll == nil {
			t.Fatal("the status has no poll")
		}

		// The Question, as another server fetches it.
		remote := federationtest.NewRemoteActor(t, "reader", federationtest.KeyFragment)
		res := remote.Get(t, st.URI, true)
		var q map[string]any
		if err := json.Unmarshal([]byte(res.Body), &q); err != nil || res.Status != 200 {
			t.Fatalf("GET %s: %d %s", st.URI, res.Status, res.Body)
		}
		opts, _ := q["oneOf"].([]any)
		if q["type"] != "Question" || len(opts) != 2 || q["endTime"] == nil || q["closed"] != nil || q["votersCount"] != float64(0) {
			t.Fatalf("served Question: %s", res.Body)
		}
		if o, _ := opts[1].(map[string]any); o["name"] != "V/Q scan" || o["replies"].(map[string]any)["totalItems"] != float64(0) {
			t.Errorf("served option: %v", opts[1])
		}

		// Bob's instance has the poll; bob votes there.
		var onB *apiStatus
		eventually(t, "the poll to reach bob", func() bool { onB = findURI(bob.home(t), st.URI); return onB != nil })
		var remoteSt struct {
			Poll *apiPoll `json:"poll"`
		}
		bob.api(t, http.MethodGet, "/api/v1/statuses/"+onB.ID, nil, 200, &remoteSt)
		if remoteSt.Poll == nil || len(remoteSt.Poll.Options) != 2 || remoteSt.Poll.Options[1].Title != "V/Q scan" || remoteSt.Poll.Multiple {
			t.Fatalf("the poll on bob's instance: %+v", remoteSt.Poll)
		}
		pollB := remoteSt.Poll.ID
		var voted apiPoll
		bob.api(t, http.MethodPost, "/api/v1/polls/"+pollB+"/votes", url.Values{"choices[]": {"1"}}, 200, &voted)
		if !voted.Voted || !equalInts(voted.OwnVotes, []int{1}) {
			t.Fatalf("bob's vote: %+v", voted)
		}

		// Alice's instance counts it; dave votes there too.
		pollOf := func(u *user, id string) apiPoll {
			var p apiPoll
			u.api(t, http.MethodGet, "/api/v1/polls/"+id, nil, 200, &p)
			return p
		}
		eventually(t, "bob's vote to be counted on alice's instance", func() bool {
			p := pollOf(alice, st.Poll.ID)
			return equalInts(p.tally(), []int{0, 1}) && p.VotersCount == 1
		})
		dave.api(t, http.MethodPost, "/api/v1/polls/"+st.Poll.ID+"/votes", url.Values{"choices[]": {"0"}}, 200, nil)

		// The Update of the Question brings bob's instance both votes, and
		// bob's own vote stays his.
		eventually(t, "the tallies to reach bob's instance", func() bool {
			p := pollOf(bob, pollB)
			return equalInts(p.tally(), []int{1, 1}) && p.VotersCount == 2 && equalInts(p.OwnVotes, []int{1})
		})
		if sts := findURI(bob.home(t), st.URI); sts == nil || sts.EditedAt != nil {
			t.Errorf("a tally update made the status edited on bob's instance: %+v", sts)
		}

		// A second vote by bob is refused on his instance.
		bob.api(t, http.MethodPost, "/api/v1/polls/"+pollB+"/votes", url.Values{"choices[]": {"0"}}, 422, nil)

		// The end: alice's instance closes the poll (its closing job run
		// now), and bob's instance learns it is over.
		id, err := strconv.ParseInt(st.Poll.ID, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if err := a.Jobs.Cancel(ctx, a.store, poll.CloseKind, st.Poll.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Jobs.Enqueue(ctx, a.store, poll.CloseKind, map[string]int64{"poll_id": id}, job.Options{Key: st.Poll.ID}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "bob's instance to see the poll closed", func() bool {
			p := pollOf(bob, pollB)
			return p.Expired && equalInts(p.tally(), []int{1, 1})
		})

		// Several choices: each of bob's choices is counted, one voter.
		alice.api(t, http.MethodPost, "/api/v1/statuses", url.Values{
			"status": {"Which do you use for DVT prophylaxis?"}, "visibility": {"public"},
			"poll[options][]": {"Enoxaparin", "Heparin", "Fondaparinux"}, "poll[expires_in]": {"3600"}, "poll[multiple]": {"true"},
		}, 200, &st)
		eventually(t, "the second poll to reach bob", func() bool { onB = findURI(bob.home(t), st.URI); return onB != nil })
		bob.api(t, http.MethodGet, "/api/v1/statuses/"+onB.ID, nil, 200, &remoteSt)
		if remoteSt.Poll == nil || !remoteSt.Poll.Multiple {
			t.Fatalf("the second poll on bob's instance: %+v", remoteSt.Poll)
		}
		bob.api(t, http.MethodPost, "/api/v1/polls/"+remoteSt.Poll.ID+"/votes", url.Values{"choices[]": {"0", "2"}}, 200, nil)
		eventually(t, "both of bob's choices to be counted", func() bool {
			p := pollOf(alice, st.Poll.ID)
			return equalInts(p.tally(), []int{1, 0, 1}) && p.VotersCount == 1 && p.VotesCount == 2
		})
	})
}

// TestPollUpdatesReachVoters: a remote voter who does not follow the
// author hears of a public poll's new tallies (as Mastodon's voters do),
// but a followers-only poll's Update goes to its audience only: a voter
// who has unfollowed since does not receive the status again.
func TestPollUpdatesReachVoters(t *testing.T) {
	eachDB(t, func(t *testing.T, d storage.Dialect) {
		a := start(t, d, 0)
		alice := a.signIn(t, "alice", false)
		dave := a.signIn(t, "dave", false)
		dave.follow(t, alice) // to see the followers-only poll
		voter := federationtest.NewRemoteActor(t, "voter", federationtest.KeyFragment)
		aliceURI := a.URL + "/users/alice"
		send := func(act federationtest.Activity) {
			t.Helper()
			act["actor"] = voter.ID()
			if res := voter.Post(t, aliceURI+"/inbox", act); res.Status != http.StatusAccepted {
				t.Fatalf("%s: %d %s", act["type"], res.Status, res.Body)
			}
		}
		follow := federationtest.Activity{"id": voter.ID() + "#follows/1", "type": "Follow", "object": aliceURI}
		send(follow)
		settle(t, a)

		var pub, priv struct {
			apiStatus
			Poll *apiPoll `json:"poll"`
		}
		for _, p := range []struct {
			vis string
			st  any
		}{{"public", &pub}, {"private", &priv}} {
			alice.api(t, http.MethodPost, "/api/v1/statuses", url.Values{
				"status": {"Anticoagulate?"}, "visibility": {p.vis},
				"poll[options][]": {"Yes", "No"}, "poll[expires_in]": {"3600"},
			}, 200, p.st)
		}
		for i, uri := range []string{pub.URI, priv.URI} {
			send(federationtest.Activity{"id": voter.ID() + "#votes/" + strconv.Itoa(i) + "/activity", "type": "Create",
				"object": map[string]any{"id": voter.ID() + "#votes/" + strconv.Itoa(i), "type": "Note", "name": "Yes",
					"attributedTo": voter.ID(), "to": []string{aliceURI}, "inReplyTo": uri}})
		}
		settle(t, a)
		send(federationtest.Activity{"id": voter.ID() + "#follows/1/undo", "type": "Undo", "object": follow})
		settle(t, a)

		updates := func(uri string) (n, lastVoters int) {
			for _, d := range voter.Deliveries() {
				var act struct {
					Type   string `json:"type"`
					Object struct {
						ID          string `json:"id"`
						VotersCount int    `json:"votersCount"`
					} `json:"object"`
				}
				if json.Unmarshal(d.Body, &act) == nil && act.Type == "Update" && act.Object.ID == uri {
					n, lastVoters = n+1, act.Object.VotersCount
				}
			}
			return n, lastVoters
		}
		_, pubVoters := updates(pub.URI)
		privBefore, privVoters := updates(priv.URI)
		if pubVoters != 1 || privVoters != 1 {
			t.Fatalf("updates after the voter's own votes: public %d voters, private %d", pubVoters, privVoters)
		}

		for _, id := range []string{pub.Poll.ID, priv.Poll.ID} {
			dave.api(t, http.MethodPost, "/api/v1/polls/"+id+"/votes", url.Values{"choices[]": {"1"}}, 200, nil)
		}
		eventually(t, "the public poll's update to reach the voter", func() bool {
			_, n := updates(pub.URI)
			return n == 2
		})
		settle(t, a)
		if n, _ := updates(priv.URI); n != privBefore {
			t.Errorf("the followers-only poll reached a voter who no longer follows: %d updates, %d before", n, privBefore)
		}
	})
}
