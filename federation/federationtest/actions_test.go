package federationtest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/storage"
)

// boostOf finds in sts a boost of the status with that ActivityPub id.
func boostOf(sts []apiStatus, uri string) *apiStatus {
	for i := range sts {
		if sts[i].Reblog != nil && sts[i].Reblog.URI == uri {
			return &sts[i]
		}
	}
	return nil
}

// TestActionsPropagate: favourites, boosts and edits of a status reach
// the instances concerned, and so do their undoing.
func TestActionsPropagate(t *testing.T) {
	eachDB(t, func(t *testing.T, d storage.Dialect) {
		a, b, c := start(t, d, 0), start(t, d, 1), start(t, d, 2)
		alice := a.signIn(t, "alice", false)
		bob := b.signIn(t, "bob", false)
		carol := c.signIn(t, "carol", false) // follows bob only
		bob.follow(t, alice)
		carol.follow(t, bob)
		eventually(t, "the follows", func() bool {
			return bob.relationship(t, alice).Following && carol.relationship(t, bob).Following
		})
		st := alice.post(t, "Grand rounds moved to Thursday.", "public", "")
		var onB *apiStatus
		eventually(t, "the post to reach bob", func() bool { onB = findURI(bob.home(t), st.URI); return onB != nil })

		// Favourite: alice is notified and counts it.
		bob.api(t, http.MethodPost, "/api/v1/statuses/"+onB.ID+"/favourite", nil, 200, nil)
		eventually(t, "the Like to reach alice", func() bool {
			var s apiStatus
			alice.api(t, http.MethodGet, "/api/v1/statuses/"+st.ID, nil, 200, &s)
			return s.FavouritesCount == 1
		})
		if !hasNotification(t, alice, "favourite", bob.acct()) {
			t.Error("alice was not notified of bob's favourite")
		}

		// Boost: alice is notified; carol, who follows bob, sees the boost
		// (her instance fetches alice's post for it).
		bob.api(t, http.MethodPost, "/api/v1/statuses/"+onB.ID+"/reblog", url.Values{"visibility": {"public"}}, 200, nil)
		eventually(t, "the Announce to reach carol", func() bool { return boostOf(carol.home(t), st.URI) != nil })
		eventually(t, "the Announce to reach alice", func() bool { return hasNotification(t, alice, "reblog", bob.acct()) })

		// Edit: bob's copy changes.
		alice.api(t, http.MethodPut, "/api/v1/statuses/"+st.ID, url.Values{"status": {"Grand rounds moved to Friday."}}, 200, nil)
		eventually(t, "the edit to reach bob", func() bool {
			var s apiStatus
			bob.api(t, http.MethodGet, "/api/v1/statuses/"+onB.ID, nil, 200, &s)
			return strings.Contains(s.Content, "Friday") && s.EditedAt != nil
		})

		// Undoing both.
		bob.api(t, http.MethodPost, "/api/v1/statuses/"+onB.ID+"/unfavourite", nil, 200, nil)
		bob.api(t, http.MethodPost, "/api/v1/statuses/"+onB.ID+"/unreblog", nil, 200, nil)
		eventually(t, "the undone boost to leave carol's home", func() bool { return boostOf(carol.home(t), st.URI) == nil })
		eventually(t, "the undone favourite to reach alice", func() bool {
			var s apiStatus
			alice.api(t, http.MethodGet, "/api/v1/statuses/"+st.ID, nil, 200, &s)
			return s.FavouritesCount == 0
		})
	})
}

// hasNotification reports whether u has a notification of type typ from
// the account with address from.
func hasNotification(t *testing.T, u *user, typ, from string) bool {
	t.Helper()
	var notes []struct {
		Type    string     `json:"type"`
		Account apiAccount `json:"account"`
	}
	u.api(t, http.MethodGet, "/api/v1/notifications", nil, 200, &notes)
	for _, n := range notes {
		if n.Type == typ && n.Account.Acct == from {
			return true
		}
	}
	return false
}
