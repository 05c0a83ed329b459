package federation_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/federation/federationtest"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestNoteReceivedTwice: a note that arrives again in another activity
// (a second Create with its own id) is stored once, and processing the
// second activity succeeds rather than failing or being retried.
func TestNoteReceivedTwice(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := newLikeWorld(t, s) // stores the note once
		bob := w.srv.URL + "/users/bob"
		note := map[string]any{"id": w.noteID, "type": "Note", "attributedTo": w.remote.ID(),
			"to": []string{federation.PublicCollection}, "cc": []string{bob}, "content": "<p>@bob journal club moved, again</p>",
			"tag": []any{map[string]any{"type": "Mention", "href": bob, "name": "@bob"}}}
		if res := w.remote.Post(t, w.srv.URL+"/inbox", federationtest.Activity{"id": w.noteID + "/activity-again", "type": "Create",
			"actor": w.remote.ID(), "to": note["to"], "cc": note["cc"], "object": note}); res.Status != 202 {
			t.Fatalf("second Create: %d %s", res.Status, res.Body)
		}
		w.runJobs(t)
		if c, err := s.JobCounts(ctx); err != nil || len(c[federation.InboxKind]) != 0 {
			t.Errorf("inbox jobs left after the second Create: %v (%v)", c[federation.InboxKind], err)
		}
		if got := countRows(t, s, "statuses"); got != 1 {
			t.Errorf("%d statuses stored, want the note once", got)
		}
		if st, err := s.StatusByURI(ctx, w.noteID); err != nil || st.ID != w.status {
			t.Errorf("the note: %+v, %v; want ID %d", st, err, w.status)
		}
	})
}

// TestMentionsOfIndexedAccounts: local accounts mentioned by received
// notes are found by username once and then by ID (local_index.go); a
// later note still sees a suspension made since.
func TestMentionsOfIndexedAccounts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := newLikeWorld(t, s) // a first note mentioning bob
		bob := w.srv.URL + "/users/bob"
		send := func(n int) {
			t.Helper()
			id := w.remote.ID() + "/statuses/m" + strconv.Itoa(n)
			note := map[string]any{"id": id, "type": "Note", "attributedTo": w.remote.ID(),
				"to": []string{federation.PublicCollection}, "cc": []string{bob}, "content": "<p>@bob ward round</p>",
				"tag": []any{map[string]any{"type": "Mention", "href": bob, "name": "@bob"}}}
			if res := w.remote.Post(t, w.srv.URL+"/inbox", federationtest.Activity{"id": id + "/activity", "type": "Create",
				"actor": w.remote.ID(), "to": note["to"], "cc": note["cc"], "object": note}); res.Status != 202 {
				t.Fatalf("Create: %d %s", res.Status, res.Body)
			}
			w.runJobs(t)
		}
		mentions := func() int {
			ns, err := s.Notifications(ctx, w.local.ID, storage.NotificationFilter{}, storage.Page{Limit: 20})
			if err != nil {
				t.Fatal(err)
			}
			return len(ns)
		}
		send(1)
		if mentions() != 2 {
			t.Fatalf("%d notifications after two mentioning notes, want 2", mentions())
		}
		now := time.Now().UTC()
		if err := s.SetSuspended(ctx, w.local.ID, &now); err != nil {
			t.Fatal(err)
		}
		send(2)
		if err := s.SetSuspended(ctx, w.local.ID, nil); err != nil {
			t.Fatal(err)
		}
		if mentions() != 2 {
			t.Errorf("a suspended account was notified of a mention: %d notifications", mentions())
		}
		send(3)
		if mentions() != 3 {
			t.Errorf("%d notifications after the suspension was lifted, want 3", mentions())
		}
	})
}
