package mastodon_test

import (
	"strings"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// conversationJSON is the Conversation entity as the tests read it.
type conversationJSON struct {
	ID         string  `json:"id"`
	Unread     bool    `json:"unread"`
	Accounts   []acct  `json:"accounts"`
	LastStatus *status `json:"last_status"`
}

// convs lists u's conversations as "last status text:unread:accounts".
func convs(t *testing.T, u *user) ([]conversationJSON, string) {
	t.Helper()
	var cs []conversationJSON
	get(t, u.srv, u, "/api/v1/conversations", 200, &cs)
	var out []string
	for _, c := range cs {
		var names []string
		for _, a := range c.Accounts {
			names = append(names, a.Username)
		}
		unread := "read"
		if c.Unread {
			unread = "unread"
		}
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(c.LastStatus.Content, "<p>"), "</p>")+":"+unread+":"+strings.Join(names, "+"))
	}
	return cs, strings.Join(out, ", ")
}

func TestConversations(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		carol := signIn(t, srv, "carol")
		follows(t, carol, alice)

		dm := post(t, alice, map[string]any{"status": "@bob hi", "visibility": "direct"})
		// Other visibilities make no conversation, mentions or not.
		post(t, alice, map[string]any{"status": "@bob public"})
		post(t, alice, map[string]any{"status": "@carol followers", "visibility": "private"})

		_, got := convs(t, bob)
		if !strings.HasSuffix(got, ":unread:alice") || strings.Count(got, ",") != 0 {
			t.Errorf("bob's conversations = %q", got)
		}
		_, got = convs(t, alice)
		if !strings.HasSuffix(got, ":read:bob") || strings.Count(got, ",") != 0 {
			t.Errorf("alice's conversations = %q", got)
		}
		if _, got = convs(t, carol); got != "" {
			t.Errorf("carol's conversations = %q", got)
		}

		// A direct reply continues the thread: unread for the recipient,
		// read for its author, still one conversation each.
		reply := post(t, bob, map[string]any{"status": "@alice hello back", "visibility": "direct", "in_reply_to_id": dm.ID})
		cs, got := convs(t, alice)
		if len(cs) != 1 || cs[0].LastStatus.ID != reply.ID || !cs[0].Unread {
			t.Errorf("alice after the reply = %q", got)
		}
		bobs, _ := convs(t, bob)
		if len(bobs) != 1 || bobs[0].Unread {
			t.Errorf("bob after replying = %+v", bobs)
		}

		// A new thread with two recipients; newest first.
		group := post(t, alice, map[string]any{"status": "@bob @carol group", "visibility": "direct"})
		cs, got = convs(t, bob)
		if len(cs) != 2 || cs[0].LastStatus.ID != group.ID || len(cs[0].Accounts) != 2 ||
			cs[0].Accounts[0].Username != "alice" || cs[0].Accounts[1].Username != "carol" {
			t.Fatalf("bob's conversations = %q", got)
		}
		// Paged by the newest status, with a Link.
		var page []conversationJSON
		h := get(t, srv, bob, "/api/v1/conversations?limit=1", 200, &page)
		if len(page) != 1 || page[0].ID != cs[0].ID {
			t.Errorf("first page = %+v", page)
		}
		next, _ := links(t, h.Get("Link"))
		if next.Query().Get("max_id") != group.ID {
			t.Errorf("Link = %q", h.Get("Link"))
		}
		get(t, srv, bob, next.RequestURI(), 200, &page)
		if len(page) != 1 || page[0].ID != cs[1].ID {
			t.Errorf("second page = %+v", page)
		}

		// Read.
		var read conversationJSON
		postJSON(t, bob, "/api/v1/conversations/"+cs[0].ID+"/read", nil, 200, &read)
		if read.Unread || read.ID != cs[0].ID || read.LastStatus == nil || read.LastStatus.ID != group.ID {
			t.Errorf("read = %+v", read)
		}
		wantError(t, srv, carol, "POST", "/api/v1/conversations/"+cs[0].ID+"/read", nil, 404)
		wantError(t, srv, bob, "POST", "/api/v1/conversations/123/read", nil, 404)

		// Removed from bob's list until the thread moves again.
		wantError(t, srv, carol, "DELETE", "/api/v1/conversations/"+cs[1].ID, nil, 404)
		var empty map[string]any
		sendJSON(t, bob, "DELETE", "/api/v1/conversations/"+cs[1].ID, nil, 200, &empty)
		if cs, got = convs(t, bob); len(cs) != 1 {
			t.Errorf("after delete = %q", got)
		}
		again := post(t, alice, map[string]any{"status": "@bob still there?", "visibility": "direct", "in_reply_to_id": reply.ID})
		if cs, got = convs(t, bob); len(cs) != 2 || cs[0].LastStatus.ID != again.ID || !cs[0].Unread {
			t.Errorf("after a new message = %q", got)
		}

		// Deleting the newest status shows the one before it.
		sendJSON(t, alice, "DELETE", "/api/v1/statuses/"+again.ID, nil, 200, nil)
		if cs, got = convs(t, bob); len(cs) != 2 || cs[1].LastStatus.ID != reply.ID {
			t.Errorf("after deleting the newest = %q", got)
		}

		// Carol only sees the thread she is in; a block hides it.
		if cs, got = convs(t, carol); len(cs) != 1 || cs[0].LastStatus.ID != group.ID {
			t.Errorf("carol's conversations = %q", got)
		}
		postJSON(t, carol, "/api/v1/accounts/"+idStr(alice.ID)+"/block", nil, 200, nil)
		if _, got = convs(t, carol); got != "" {
			t.Errorf("carol's conversations after blocking alice = %q", got)
		}

		get(t, srv, nil, "/api/v1/conversations", 401, nil)
	})
}
