package mastodon_test

import (
	"context"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/rounds-md/rounds/web/webtest"
)

// clock is a job-queue clock a test moves forward (webtest.WithJobClock).
type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// runJobs runs the jobs due on the queue's clock and returns how many ran.
func runJobs(t *testing.T, srv *webtest.Server) int {
	t.Helper()
	n, err := srv.Jobs.RunDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// pollJSON is the Poll entity as the tests read it.
type pollJSON struct {
	ID          string  `json:"id"`
	ExpiresAt   *string `json:"expires_at"`
	Expired     bool    `json:"expired"`
	Multiple    bool    `json:"multiple"`
	VotesCount  int     `json:"votes_count"`
	VotersCount *int    `json:"voters_count"`
	Options     []struct {
		Title      string `json:"title"`
		VotesCount *int   `json:"votes_count"`
	} `json:"options"`
	Emojis   []any `json:"emojis"`
	Voted    *bool `json:"voted"`
	OwnVotes []int `json:"own_votes"`
}

// statusWithPoll is a Status with its poll.
type statusWithPoll struct {
	status
	Poll *pollJSON `json:"poll"`
}

// vote votes as u with a form (choices[]), expecting want.
func vote(t *testing.T, u *user, pollID string, want int, choices ...string) pollJSON {
	t.Helper()
	var p pollJSON
	form := url.Values{"choices[]": choices}
	if want == 200 {
		postForm(t, u, "/api/v1/polls/"+pollID+"/votes", form, want, &p)
	} else {
		var e errorBody
		postForm(t, u, "/api/v1/polls/"+pollID+"/votes", form, want, &e)
		if e.Error == "" {
			t.Errorf("vote %v: no error message", choices)
		}
	}
	return p
}

// notificationTypes lists u's notifications as type:account.
func notificationTypes(t *testing.T, u *user) string {
	t.Helper()
	var ns []notification
	get(t, u.srv, u, "/api/v1/notifications", 200, &ns)
	return types(ns)
}
