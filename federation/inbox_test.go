package federation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/federation/federationtest"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

var seq atomic.Int64

// createNote is a Create of a Note by remote, addressed to and mentioning
// the local account at to, with fresh ids.
func createNote(remote *federationtest.RemoteActor, to string) federationtest.Activity {
	n := seq.Add(1)
	id := fmt.Sprintf("%s/statuses/%d", remote.ID(), n)
	return federationtest.Activity{
		"@context": "https://www.w3.org/ns/activitystreams",
		"id":       id + "/activity", "type": "Create", "actor": remote.ID(), "to": []string{to},
		"object": map[string]any{
			"id": id, "type": "Note", "attributedTo": remote.ID(), "to": []string{to},
			"content": "<p>hello <script>alert(1)</script></p>",
			"tag":     []any{map[string]any{"type": "Mention", "href": to, "name": "@bob"}},
		},
	}
}

func body(t *testing.T, act federationtest.Activity) []byte {
	t.Helper()
	b, err := json.Marshal(act)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// inboxJobs counts the activities queued for processing.
func inboxJobs(t testing.TB, s *storage.Store) int {
	t.Helper()
	counts, err := s.JobCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range counts[federation.InboxKind] {
		n += c
	}
	return n
}

// TestInboxRefusals sends the inbox every kind of bad request a hostile or
// broken server might: each is refused with its status and a JSON error,
// and nothing is queued or stored. Good activities are queued once, and
// replays are accepted and ignored.
func TestInboxRefusals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s, webtest.WithManualJobs(), webtest.WithPrivateAddresses(),
			webtest.WithFederation(func(c *federation.Config) { c.AuthorizedFetch = true }))
		bob := srv.CreateAccount(t, "bob")
		bobURI := srv.URL + "/users/bob"
		inbox := bobURI + "/inbox"
		remote := federationtest.NewRemoteActor(t, "alice", federationtest.KeyFragment)
		other := federationtest.NewRemoteActor(t, "mallory", federationtest.KeyDocument)
		wrongKey, _ := federationtest.NewSigner(t, remote.KeyID())

		bigNote := createNote(remote, bobURI)
		bigNote["object"].(map[string]any)["content"] = strings.Repeat("a", 2<<20)
		foreign := createNote(remote, bobURI)
		foreign["object"].(map[string]any)["id"] = other.ID() + "/statuses/9"
		misattributed := createNote(remote, bobURI)
		misattributed["object"].(map[string]any)["attributedTo"] = other.ID()
		foreignID := createNote(remote, bobURI)
		foreignID["id"] = other.ID() + "/activity/1"

		for _, tc := range []struct {
			name   string
			to     string
			req    federationtest.Request
			sender *federationtest.RemoteActor
			status int
		}{
			{"no signature", inbox, federationtest.Request{Body: body(t, createNote(remote, bobURI)), Unsigned: true}, remote, 401},
			{"wrong key", inbox, federationtest.Request{Body: body(t, createNote(remote, bobURI)), Signer: wrongKey}, remote, 401},
			{"stale date", inbox, federationtest.Request{Body: body(t, createNote(remote, bobURI)),
				Signer: remote.Signer(t).WithClock(func() time.Time { return time.Now().Add(-2 * time.Hour) })}, remote, 401},
			{"digest mismatch", inbox, federationtest.Request{Body: body(t, createNote(remote, bobURI)), SignBody: []byte(`{"other":"body"}`)}, remote, 401},
			{"digest not signed", inbox, federationtest.Request{Body: body(t, createNote(remote, bobURI)), NoDigest: true}, remote, 401},
			{"actor is not the key owner", inbox, federationtest.Request{Body: body(t, createNote(remote, bobURI))}, other, 401},
			{"object on another host", inbox, federationtest.Request{Body: body(t, foreign)}, remote, 403},
			{"object attributed to another actor", inbox, federationtest.Request{Body: body(t, misattributed)}, remote, 403},
			{"activity id on another host", inbox, federationtest.Request{Body: body(t, foreignID)}, remote, 403},
			{"2 MiB body", inbox, federationtest.Request{Body: body(t, bigNote)}, remote, 413},
			{"malformed JSON", inbox, federationtest.Request{Body: []byte(`{"id": "` + remote.ID() + `/x", "type": "Create"`)}, remote, 400},
			{"not an activity", inbox, federationtest.Request{Body: []byte(`["Create"]`)}, remote, 400},
			{"plain JSON content type", inbox, federationtest.Request{Body: body(t, createNote(remote, bobURI)), ContentType: "application/json"}, remote, 415},
			{"form content type", inbox, federationtest.Request{Body: body(t, createNote(remote, bobURI)), ContentType: "application/x-www-form-urlencoded"}, remote, 415},
			{"ld+json without the profile", inbox, federationtest.Request{Body: body(t, createNote(remote, bobURI)), ContentType: "application/ld+json"}, remote, 415},
			{"unknown local account", srv.URL + "/users/nobody/inbox", federationtest.Request{Body: body(t, createNote(remote, bobURI))}, remote, 404},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := tc.sender.Send(t, tc.to, tc.req)
				if res.Status != tc.status {
					t.Fatalf("status %d, want %d: %s", res.Status, tc.status, res.Body)
				}
				var e struct {
					Error string `json:"error"`
				}
				if err := json.Unmarshal([]byte(res.Body), &e); err != nil || e.Error == "" {
					t.Errorf("body %q is not {\"error\": ...}", res.Body)
				}
			})
		}
		if n := inboxJobs(t, s); n != 0 {
			t.Fatalf("%d refused activities were queued", n)
		}

		// A good Create is accepted once: a replay (same activity) and a
		// re-wrapping of the same object are accepted and change nothing.
		good := createNote(remote, bobURI)
		for i := 0; i < 2; i++ {
			if res := remote.Post(t, inbox, good); res.Status != http.StatusAccepted {
				t.Fatalf("good create #%d: %d %s", i+1, res.Status, res.Body)
			}
		}
		if n := inboxJobs(t, s); n != 1 {
			t.Fatalf("%d jobs for one activity sent twice", n)
		}
		again := federationtest.Activity{}
		for k, v := range good {
			again[k] = v
		}
		again["id"] = good["id"].(string) + "-again"
		if res := remote.Post(t, srv.URL+"/inbox", again); res.Status != http.StatusAccepted {
			t.Fatalf("same object in a new activity, to the shared inbox: %d %s", res.Status, res.Body)
		}
		// Unknown types are accepted and ignored.
		if res := remote.Post(t, inbox, federationtest.Activity{"id": remote.ID() + "#x", "type": "Listen", "actor": remote.ID(), "object": bobURI}); res.Status != http.StatusAccepted {
			t.Fatalf("unknown type: %d %s", res.Status, res.Body)
		}
		if _, err := srv.Jobs.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}

		noteID := good["object"].(map[string]any)["id"].(string)
		st, err := s.StatusByURI(context.Background(), noteID)
		if err != nil {
			t.Fatalf("the good status was not stored: %v", err)
		}
		if strings.Contains(st.Content, "script") || st.Content != "<p>hello </p>" {
			t.Errorf("content not sanitised: %q", st.Content)
		}
		if st.Visibility != "direct" {
			t.Errorf("visibility %s, want direct (addressed to bob only)", st.Visibility)
		}
		author, err := s.AccountByID(context.Background(), st.AccountID)
		if err != nil || author.URI == nil || *author.URI != remote.ID() {
			t.Fatalf("author %+v, %v", author, err)
		}
		sts, err := s.AccountStatuses(context.Background(), author.ID, storage.AccountStatusFilter{Visibilities: []string{"public", "unlisted", "private", "direct"}}, storage.Page{Limit: 10})
		if err != nil || len(sts) != 1 {
			t.Fatalf("the remote actor has %d statuses (%v), want 1", len(sts), err)
		}
		notes, err := s.Notifications(context.Background(), bob.ID, storage.NotificationFilter{}, storage.Page{Limit: 10})
		if err != nil || len(notes) != 1 || notes[0].Type != "mention" {
			t.Errorf("bob's notifications: %+v, %v", notes, err)
		}

		// Deleting someone else's status is refused; the author may.
		del := federationtest.Activity{"id": other.ID() + "#delete-1", "type": "Delete", "actor": other.ID(), "object": noteID}
		if res := other.Post(t, inbox, del); res.Status != http.StatusForbidden {
			t.Errorf("delete by another actor: %d %s", res.Status, res.Body)
		}
		del = federationtest.Activity{"id": remote.ID() + "#delete-1", "type": "Delete", "actor": remote.ID(),
			"object": map[string]any{"id": noteID, "type": "Tombstone"}}
		if res := remote.Post(t, inbox, del); res.Status != http.StatusAccepted {
			t.Fatalf("delete by the author: %d %s", res.Status, res.Body)
		}
		if _, err := srv.Jobs.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		if st, err := s.StatusByURI(context.Background(), noteID); err != nil || st.DeletedAt == nil || st.Content != "" {
			t.Errorf("after the author's delete: %+v, %v", st, err)
		}
		// The deleted status's URI stays taken: a replayed Create under a
		// new activity id does not bring it back.
		again["id"] = good["id"].(string) + "-third"
		if res := remote.Post(t, inbox, again); res.Status != http.StatusAccepted {
			t.Fatalf("re-create: %d", res.Status)
		}
		if _, err := srv.Jobs.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		if st, err := s.StatusByURI(context.Background(), noteID); err != nil || st.DeletedAt == nil {
			t.Errorf("a deleted status came back: %+v, %v", st, err)
		}
	})
}
