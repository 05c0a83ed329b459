package federation_test

import (
	"context"
	"testing"

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
