package mastodon_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// version is a StatusEdit entity.
type version struct {
	Content          string      `json:"content"`
	SpoilerText      string      `json:"spoiler_text"`
	Sensitive        bool        `json:"sensitive"`
	CreatedAt        string      `json:"created_at"`
	Account          acct        `json:"account"`
	MediaAttachments []mediaJSON `json:"media_attachments"`
	Emojis           []any       `json:"emojis"`
}

func history(t *testing.T, u *user, id string) []version {
	t.Helper()
	var vs []version
	get(t, u.srv, u, "/api/v1/statuses/"+id+"/history", 200, &vs)
	return vs
}

func TestEditStatus(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		carol := signIn(t, srv, "carol")
		m1, m2 := uploadImage(t, alice, "one"), uploadImage(t, alice, "two")
		st := post(t, alice, map[string]any{"status": "first version #rounds", "media_ids": []string{m1.ID}})
		act(t, bob, st.ID, "reblog", 200)

		var src map[string]string
		get(t, srv, alice, "/api/v1/statuses/"+st.ID+"/source", 200, &src)
		if src["id"] != st.ID || src["text"] != "first version #rounds" || src["spoiler_text"] != "" || len(src) != 3 {
			t.Errorf("source: %v", src)
		}
		wantError(t, srv, bob, "GET", "/api/v1/statuses/"+st.ID+"/source", nil, 404)
		wantError(t, srv, nil, "GET", "/api/v1/statuses/"+st.ID+"/source", nil, 401)
		// Never edited: the history is the status itself.
		if vs := history(t, alice, st.ID); len(vs) != 1 || !strings.Contains(vs[0].Content, "first version") ||
			len(vs[0].MediaAttachments) != 1 || vs[0].Account.Username != "alice" || vs[0].Emojis == nil {
			t.Errorf("history before editing: %+v", vs)
		}

		var edited acted
		sendJSON(t, alice, "PUT", "/api/v1/statuses/"+st.ID, map[string]any{
			"status": "second version @carol", "spoiler_text": "CW", "language": "en",
			"media_ids":        []string{m2.ID, m1.ID},
			"media_attributes": []map[string]any{{"id": m1.ID, "description": "one, described", "focus": "0.5,0.5"}},
		}, 200, &edited)
		if edited.EditedAt == nil || edited.ID != st.ID || !strings.Contains(edited.Content, "second version") ||
			edited.SpoilerText != "CW" || !edited.Sensitive || edited.Language == nil || *edited.Language != "en" ||
			len(edited.Tags) != 0 || len(edited.Mentions) != 1 || edited.Mentions[0].Username != "carol" ||
			len(edited.MediaAttachments) != 2 || edited.MediaAttachments[0].ID != m2.ID ||
			*edited.MediaAttachments[1].Description != "one, described" || edited.MediaAttachments[1].Meta.Focus.X != 0.5 {
			t.Fatalf("edited: %+v", edited)
		}
		if n := notes(t, bob, "?types[]=update"); n != "update:alice" {
			t.Errorf("bob, who boosted it: %s", n)
		}
		if n := notes(t, carol, "?types[]=mention"); n != "mention:alice" {
			t.Errorf("carol, newly mentioned: %s", n)
		}
		var home []acted
		get(t, srv, carol, "/api/v1/timelines/home", 200, &home)
		if len(home) != 1 || home[0].ID != st.ID {
			t.Errorf("carol's home: %v", ids(toStatuses(home)))
		}

		vs := history(t, alice, st.ID)
		if len(vs) != 2 || !strings.Contains(vs[0].Content, "first version") || vs[0].SpoilerText != "" ||
			!strings.Contains(vs[1].Content, "second version") || vs[1].SpoilerText != "CW" || !vs[1].Sensitive ||
			vs[0].CreatedAt > vs[1].CreatedAt || len(vs[0].MediaAttachments) != 1 || vs[0].MediaAttachments[0].ID != m1.ID ||
			len(vs[1].MediaAttachments) != 2 {
			t.Fatalf("history: %+v", vs)
		}
		get(t, srv, alice, "/api/v1/statuses/"+st.ID+"/source", 200, &src)
		if src["text"] != "second version @carol" || src["spoiler_text"] != "CW" {
			t.Errorf("source after edit: %v", src)
		}

		// An edit that changes nothing records nothing; parameters not sent
		// stay as they are.
		var same acted
		sendForm(t, alice, "PUT", "/api/v1/statuses/"+st.ID, url.Values{"status": {"second version @carol"}}, 200, &same)
		if *same.EditedAt != *edited.EditedAt || same.SpoilerText != "CW" || len(same.MediaAttachments) != 2 {
			t.Errorf("no-op edit: %+v", same)
		}
		if vs := history(t, bob, st.ID); len(vs) != 2 {
			t.Errorf("history after a no-op edit: %d versions", len(vs))
		}

		// Errors: not the author, bad input, missing scope.
		wantError(t, srv, bob, "PUT", "/api/v1/statuses/"+st.ID, map[string]any{"status": "mine now"}, 404)
		wantError(t, srv, alice, "PUT", "/api/v1/statuses/"+st.ID, map[string]any{"language": "not a language"}, 422)
		wantError(t, srv, alice, "PUT", "/api/v1/statuses/"+st.ID, map[string]any{"status": strings.Repeat("x", 5001)}, 422)
		wantError(t, srv, alice, "PUT", "/api/v1/statuses/"+st.ID, map[string]any{"status": "", "media_ids": []string{}}, 422)
		wantError(t, srv, alice, "PUT", "/api/v1/statuses/"+st.ID, map[string]any{
			"media_ids": []string{m2.ID}, "media_attributes": []map[string]any{{"id": m1.ID, "description": "x"}},
		}, 422)
		b1 := uploadImage(t, bob, "bob's")
		wantError(t, srv, alice, "PUT", "/api/v1/statuses/"+st.ID, map[string]any{"media_ids": []string{b1.ID}}, 422)
		wantError(t, srv, nil, "PUT", "/api/v1/statuses/"+st.ID, map[string]any{"status": "x"}, 401)
		reader := tokenFor(t, srv, alice.Account, "read")
		wantError(t, srv, reader, "PUT", "/api/v1/statuses/"+st.ID, map[string]any{"status": "x"}, 403)
		if vs := history(t, alice, st.ID); len(vs) != 2 {
			t.Errorf("refused edits were recorded: %d versions", len(vs))
		}

		// "media_ids": [] removes every attachment, files and all.
		var bare acted
		sendJSON(t, alice, "PUT", "/api/v1/statuses/"+st.ID, map[string]any{"media_ids": []string{}}, 200, &bare)
		if len(bare.MediaAttachments) != 0 || !strings.Contains(bare.Content, "second version") {
			t.Errorf("media removed: %+v", bare)
		}
		for _, u := range []string{*m1.URL, *m2.URL} {
			if code := statusOf(t, u); code != 404 {
				t.Errorf("file of a removed attachment %s: %d", u, code)
			}
		}
		if vs := history(t, alice, st.ID); len(vs) != 3 || len(vs[2].MediaAttachments) != 0 {
			t.Errorf("history after removing media: %+v", vs)
		}

		// History follows visibility; deleting the status deletes it.
		priv := post(t, alice, map[string]any{"status": "private", "visibility": "private"})
		sendJSON(t, alice, "PUT", "/api/v1/statuses/"+priv.ID, map[string]any{"status": "private, edited"}, 200, nil)
		wantError(t, srv, carol, "GET", "/api/v1/statuses/"+priv.ID+"/history", nil, 404)
		wantError(t, srv, nil, "GET", "/api/v1/statuses/"+priv.ID+"/history", nil, 404)
		decode(t, do(t, srv, alice, "DELETE", "/api/v1/statuses/"+priv.ID, "", nil), 200, nil)
		wantError(t, srv, alice, "GET", "/api/v1/statuses/"+priv.ID+"/history", nil, 404)
		var left int
		if err := s.DB().QueryRow(`SELECT count(*) FROM status_edits WHERE status_id = ` + priv.ID).Scan(&left); err != nil || left != 0 {
			t.Errorf("a deleted status keeps %d versions (%v)", left, err)
		}
	})
}
