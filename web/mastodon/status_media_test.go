package mastodon_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/media/mediatest"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// uploadImage uploads a small processed JPEG as u (v1: processed before
// the reply) with a description.
func uploadImage(t *testing.T, u *user, description string) mediaJSON {
	t.Helper()
	var m mediaJSON
	decode(t, upload(t, u, "/api/v1/media", mediatest.JPEG(t, 40, 30, 1), "x.jpg", "image/jpeg", "description", description), 200, &m)
	return m
}

func TestStatusMedia(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s, webtest.WithManualJobs())
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		a1, a2 := uploadImage(t, alice, "AP chest"), uploadImage(t, alice, "lateral")

		// JSON media_ids; a status with media needs no text.
		var st acted
		postJSON(t, alice, "/api/v1/statuses", map[string]any{"media_ids": []string{a2.ID, a1.ID}, "sensitive": true}, 200, &st)
		if st.Content != "" || !st.Sensitive || len(st.MediaAttachments) != 2 || st.MediaAttachments[0].ID != a2.ID ||
			st.MediaAttachments[1].ID != a1.ID || st.MediaAttachments[1].URL == nil || *st.MediaAttachments[1].Description != "AP chest" {
			t.Fatalf("status with media: %+v", st)
		}
		fetchFile(t, *st.MediaAttachments[0].URL, "image/jpeg")
		// Attached media leave the media API and cannot be attached twice.
		decode(t, do(t, srv, alice, "GET", "/api/v1/media/"+a1.ID, "", nil), 404, nil)
		wantError(t, srv, alice, "POST", "/api/v1/statuses", map[string]any{"status": "again", "media_ids": []string{a1.ID}}, 422)

		// Form media_ids[], as Mastodon.py sends them.
		a3 := uploadImage(t, alice, "")
		var formed acted
		postForm(t, alice, "/api/v1/statuses", url.Values{"status": {"with a form"}, "media_ids[]": {a3.ID}}, 200, &formed)
		if len(formed.MediaAttachments) != 1 || formed.MediaAttachments[0].ID != a3.ID || formed.MediaAttachments[0].Description != nil {
			t.Fatalf("form post: %+v", formed)
		}

		// Rendered in a thread and in notifications too.
		reply := post(t, bob, map[string]any{"status": "@alice nice films", "in_reply_to_id": st.ID})
		var thread struct{ Ancestors []acted }
		get(t, srv, bob, "/api/v1/statuses/"+reply.ID+"/context", 200, &thread)
		if len(thread.Ancestors) != 1 || len(thread.Ancestors[0].MediaAttachments) != 2 {
			t.Errorf("context: %+v", thread)
		}
		act(t, bob, st.ID, "favourite", 200)
		var ns []struct {
			Type   string
			Status *acted
		}
		get(t, srv, alice, "/api/v1/notifications?types[]=favourite", 200, &ns)
		if len(ns) != 1 || ns[0].Status == nil || len(ns[0].Status.MediaAttachments) != 2 {
			t.Errorf("notification: %+v", ns)
		}

		// only_media on account statuses and the public timeline.
		post(t, alice, map[string]any{"status": "no pictures"})
		for _, path := range []string{"/api/v1/accounts/" + idStr(alice.ID) + "/statuses?only_media=true", "/api/v1/timelines/public?only_media=1"} {
			var list []acted
			get(t, srv, nil, path, 200, &list)
			if got := ids(toStatuses(list)); len(got) != 2 || got[0] != formed.ID || got[1] != st.ID {
				t.Errorf("%s: %v", path, got)
			}
		}

		// What may not be attached: someone else's upload, one still
		// processing, more than four, a made-up ID.
		b1 := uploadImage(t, bob, "bob's")
		var pending mediaJSON
		decode(t, upload(t, alice, "/api/v2/media", mediatest.PNG(t, 20, 20, 1, false), "p.png", "image/png"), 202, &pending)
		var five []string
		for i := 0; i < 5; i++ {
			five = append(five, uploadImage(t, alice, "").ID)
		}
		for name, body := range map[string]map[string]any{
			"someone else's":   {"status": "x", "media_ids": []string{b1.ID}},
			"still processing": {"status": "x", "media_ids": []string{pending.ID}},
			"five":             {"status": "x", "media_ids": five},
			"unknown":          {"status": "x", "media_ids": []string{"123456789"}},
			"not an id":        {"status": "x", "media_ids": []string{"abc"}},
			"no text, none":    {"media_ids": []string{}},
		} {
			var e errorBody
			postJSON(t, alice, "/api/v1/statuses", body, 422, &e)
			if e.Error == "" {
				t.Errorf("%s: no error message", name)
			}
		}
		// Nothing was attached by the refused posts.
		decode(t, do(t, srv, bob, "GET", "/api/v1/media/"+b1.ID, "", nil), 200, nil)
		decode(t, do(t, srv, alice, "GET", "/api/v1/media/"+five[0], "", nil), 200, nil)
		if n, err := srv.Jobs.RunDue(context.Background()); err != nil || n != 1 {
			t.Fatalf("RunDue = %d, %v", n, err)
		}
		var ok acted
		postJSON(t, alice, "/api/v1/statuses", map[string]any{"status": "now", "media_ids": []string{pending.ID}}, 200, &ok)
		if len(ok.MediaAttachments) != 1 || ok.MediaAttachments[0].URL == nil {
			t.Errorf("processed upload: %+v", ok)
		}
	})
}

func TestDeleteWithMedia(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		m1, m2 := uploadImage(t, alice, "one"), uploadImage(t, alice, "two")

		// Without delete_media: delete and redraft keeps the uploads, which
		// the new status attaches.
		first := post(t, alice, map[string]any{"status": "draft one", "media_ids": []string{m1.ID}})
		var gone acted
		decode(t, do(t, srv, alice, "DELETE", "/api/v1/statuses/"+first.ID, "", nil), 200, &gone)
		if gone.Text == nil || *gone.Text != "draft one" || len(gone.MediaAttachments) != 1 || gone.MediaAttachments[0].ID != m1.ID {
			t.Fatalf("delete for redraft: %+v", gone)
		}
		decode(t, do(t, srv, alice, "GET", "/api/v1/media/"+m1.ID, "", nil), 200, nil)
		fetchFile(t, *m1.URL, "image/jpeg")
		redraft := post(t, alice, map[string]any{"status": "draft two", "media_ids": []string{m1.ID}})

		// With delete_media=true: rows and files go.
		var gone2 acted
		decode(t, do(t, srv, alice, "DELETE", "/api/v1/statuses/"+redraft.ID+"?delete_media=true", "", nil), 200, &gone2)
		if len(gone2.MediaAttachments) != 1 {
			t.Errorf("delete response: %+v", gone2)
		}
		decode(t, do(t, srv, alice, "GET", "/api/v1/media/"+m1.ID, "", nil), 404, nil)
		for _, u := range []string{*m1.URL, *m1.PreviewURL} {
			if code := statusOf(t, u); code != 404 {
				t.Errorf("file of a deleted attachment %s: %d", u, code)
			}
		}
		// The form body works too; a bad boolean is refused before anything
		// is deleted.
		third := post(t, alice, map[string]any{"status": "three", "media_ids": []string{m2.ID}})
		wantError(t, srv, alice, "DELETE", "/api/v1/statuses/"+third.ID+"?delete_media=perhaps", nil, 422)
		decode(t, do(t, srv, alice, "GET", "/api/v1/statuses/"+third.ID, "", nil), 200, nil)
		sendForm(t, alice, "DELETE", "/api/v1/statuses/"+third.ID, url.Values{"delete_media": {"1"}}, 200, nil)
		if code := statusOf(t, *m2.URL); code != 404 {
			t.Errorf("file after form delete_media: %d", code)
		}
	})
}

// plain strips the signature from a media URL.
func plain(u string) string {
	p, _, _ := strings.Cut(u, "?")
	return p
}

func TestMediaOfNonPublicStatuses(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		carol := signIn(t, srv, "carol")
		follows(t, bob, alice)
		pub, priv, dm := uploadImage(t, alice, "public"), uploadImage(t, alice, "private"), uploadImage(t, alice, "direct")

		// An upload not attached yet: its owner gets signed URLs; the plain
		// URL is refused.
		if !strings.Contains(*priv.URL, "sig=") || !strings.Contains(*priv.PreviewURL, "sig=") {
			t.Fatalf("upload URLs are not signed: %s %s", *priv.URL, *priv.PreviewURL)
		}
		fetchFile(t, *priv.URL, "image/jpeg")
		if code := statusOf(t, plain(*priv.URL)); code != 404 {
			t.Errorf("plain URL of an unattached upload: %d", code)
		}

		p := post(t, alice, map[string]any{"status": "public film", "media_ids": []string{pub.ID}})
		f := post(t, alice, map[string]any{"status": "followers' film", "visibility": "private", "media_ids": []string{priv.ID}})
		d := post(t, alice, map[string]any{"status": "@bob your film", "visibility": "direct", "media_ids": []string{dm.ID}})

		// Public: plain URLs anyone can fetch.
		var seen acted
		get(t, srv, nil, "/api/v1/statuses/"+p.ID, 200, &seen)
		if u := *seen.MediaAttachments[0].URL; strings.Contains(u, "?") || u != plain(*pub.URL) {
			t.Errorf("public status media URL %s", u)
		}
		fetchFile(t, plain(*pub.URL), "image/jpeg")
		fetchFile(t, plain(*pub.PreviewURL), "image/jpeg")

		// Private and direct: the audience gets signed URLs that work; the
		// plain URL is refused to everyone; strangers see nothing.
		for _, tc := range []struct {
			name, id string
		}{{"private", f.ID}, {"direct", d.ID}} {
			var st acted
			get(t, srv, bob, "/api/v1/statuses/"+tc.id, 200, &st)
			m := st.MediaAttachments[0]
			if !strings.Contains(*m.URL, "sig=") || !strings.Contains(*m.PreviewURL, "sig=") {
				t.Errorf("%s: URLs not signed: %s", tc.name, *m.URL)
			}
			fetchFile(t, *m.URL, "image/jpeg")
			fetchFile(t, *m.PreviewURL, "image/jpeg")
			for _, u := range []string{plain(*m.URL), plain(*m.PreviewURL), plain(*m.URL) + "?exp=1&sig=x"} {
				if code := statusOf(t, u); code != 404 {
					t.Errorf("%s: %s gives %d", tc.name, u, code)
				}
			}
			wantError(t, srv, carol, "GET", "/api/v1/statuses/"+tc.id, nil, 404)
		}
		// No public surface lists them.
		for _, path := range []string{
			"/api/v1/timelines/public?only_media=true",
			"/api/v1/accounts/" + idStr(alice.ID) + "/statuses?only_media=true",
		} {
			for _, u := range []*user{nil, carol} {
				var list []acted
				get(t, srv, u, path, 200, &list)
				if got := ids(toStatuses(list)); len(got) != 1 || got[0] != p.ID {
					t.Errorf("%s: %v", path, got)
				}
			}
		}
		var list []acted
		get(t, srv, bob, "/api/v1/accounts/"+idStr(alice.ID)+"/statuses?only_media=true", 200, &list)
		if got := ids(toStatuses(list)); len(got) != 2 || got[0] != f.ID {
			t.Errorf("a follower's only_media: %v", got)
		}

		// A deleted public status kept for a redraft: the plain URL stops.
		var gone acted
		decode(t, do(t, srv, alice, "DELETE", "/api/v1/statuses/"+p.ID, "", nil), 200, &gone)
		if code := statusOf(t, plain(*pub.URL)); code != 404 {
			t.Errorf("plain URL of a deleted status's upload: %d", code)
		}
		fetchFile(t, *gone.MediaAttachments[0].URL, "image/jpeg")
	})
}
