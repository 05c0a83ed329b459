package federationtest_test

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"testing"

	"github.com/rounds-md/rounds/storage"
)

// favouriteURI is the ActivityPub id stored with accountID's favourite of
// statusID on store ("" when there is no favourite or no id).
func favouriteURI(t *testing.T, store *storage.Store, accountID, statusID int64) string {
	t.Helper()
	q := `SELECT uri FROM favourites WHERE account_id = $1 AND status_id = $2`
	if store.Dialect() != storage.Postgres {
		q = `SELECT uri FROM favourites WHERE account_id = ? AND status_id = ?`
	}
	var uri sql.NullString
	err := store.DB().QueryRowContext(context.Background(), q, accountID, statusID).Scan(&uri)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		t.Fatal(err)
	}
	return uri.String
}

// TestUnfavouriteAcrossInstances: bob, on another instance, favourites
// alice's status and takes it back, twice. Both instances store the same
// id for the Like (the one the sender's Undo embeds, so that a receiver
// matching by id finds it), and alice's count goes back to 0 each time.
func TestUnfavouriteAcrossInstances(t *testing.T) {
	eachDB(t, func(t *testing.T, d storage.Dialect) {
		ctx := context.Background()
		a, b := start(t, d, 0), start(t, d, 1)
		alice := a.signIn(t, "alice", false)
		bob := b.signIn(t, "bob", false)
		bob.follow(t, alice)
		eventually(t, "the follow", func() bool { return bob.relationship(t, alice).Following })
		st := alice.post(t, "Morbidity and mortality conference, room 4.", "public", "")
		var onB *apiStatus
		eventually(t, "the post to reach bob", func() bool { onB = findURI(bob.home(t), st.URI); return onB != nil })
		stOnA, _ := strconv.ParseInt(st.ID, 10, 64)
		stOnB, _ := strconv.ParseInt(onB.ID, 10, 64)
		count := func() int {
			var s apiStatus
			alice.api(t, http.MethodGet, "/api/v1/statuses/"+st.ID, nil, 200, &s)
			return s.FavouritesCount
		}
		bobOnA, err := a.store.RemoteAccountByURI(ctx, b.URL+"/users/bob")
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for round := 0; round < 2; round++ {
			bob.api(t, http.MethodPost, "/api/v1/statuses/"+onB.ID+"/favourite", nil, 200, nil)
			eventually(t, "the Like to reach alice", func() bool { return count() == 1 })
			sent := favouriteURI(t, b.store, bob.ID, stOnB)
			if sent == "" {
				t.Fatalf("round %d: the sender stored no id for its Like", round)
			}
			// The receiver records the id just after the favourite.
			eventually(t, "the receiver to store the Like's id", func() bool { return favouriteURI(t, a.store, bobOnA.ID, stOnA) == sent })
			ids = append(ids, sent)

			bob.api(t, http.MethodPost, "/api/v1/statuses/"+onB.ID+"/unfavourite", nil, 200, nil)
			eventually(t, "the Undo to reach alice", func() bool { return count() == 0 })
			if _, err := a.store.ActivityByURI(ctx, sent); err == nil {
				t.Errorf("round %d: the receiver still finds the undone Like %s", round, sent)
			}
		}
		if ids[0] == ids[1] {
			t.Errorf("two Likes sent with one id %s", ids[0])
		}
	})
}
