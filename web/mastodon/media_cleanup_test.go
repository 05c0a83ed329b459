package mastodon_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/core/media/mediatest"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// TestUnattachedMediaCleanup: the clean-up deletes, rows and files, the
// uploads attached to no status for longer than the grace (never
// attached, detached by a delete-and-redraft, named only by a cancelled
// scheduled status), and never an avatar, a header, an upload a
// scheduled status names, or one attached to a status.
func TestUnattachedMediaCleanup(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		srv := webtest.Start(t, s, webtest.WithManualJobs())
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")

		lonely := uploadImage(t, alice, "never attached")
		posted := uploadImage(t, alice, "posted")
		post(t, alice, map[string]any{"status": "with a picture", "media_ids": []string{posted.ID}})
		redrafted := uploadImage(t, alice, "redrafted")
		draft := post(t, alice, map[string]any{"status": "draft", "media_ids": []string{redrafted.ID}})
		decode(t, do(t, srv, alice, "DELETE", "/api/v1/statuses/"+draft.ID, "", nil), 200, nil)
		scheduled := uploadImage(t, alice, "for later")
		var sc scheduledJSON
		postJSON(t, alice, "/api/v1/statuses", map[string]any{
			"status": "later", "media_ids": []string{scheduled.ID}, "scheduled_at": in(time.Hour),
		}, 200, &sc)
		cancelled := uploadImage(t, alice, "for a post never made")
		var sc2 scheduledJSON
		postJSON(t, alice, "/api/v1/statuses", map[string]any{
			"status": "never", "media_ids": []string{cancelled.ID}, "scheduled_at": in(time.Hour),
		}, 200, &sc2)
		decode(t, do(t, srv, alice, "DELETE", "/api/v1/scheduled_statuses/"+sc2.ID, "", nil), 200, nil)

		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for _, name := range []string{"avatar", "header"} {
			fw, _ := w.CreateFormFile(name, "photo.jpg")
			_, _ = fw.Write(mediatest.JPEG(t, 64, 48, 1))
		}
		_ = w.Close()
		var me proAccount
		decode(t, do(t, srv, alice, "PATCH", "/api/v1/accounts/update_credentials", w.FormDataContentType(), &buf), 200, &me)
		if strings.Contains(me.Avatar, "missing") || strings.Contains(me.Header, "missing") {
			t.Fatalf("images not stored: %s %s", me.Avatar, me.Header)
		}

		// onDisk reports whether a media URL's file exists.
		onDisk := func(u string) bool {
			t.Helper()
			path, _, err := srv.Media.File(strings.TrimPrefix(plain(u), srv.URL+media.URLPrefix))
			if err != nil {
				t.Fatalf("%s: %v", u, err)
			}
			_, err = os.Stat(path)
			return err == nil
		}
		exists := func(m mediaJSON) bool {
			t.Helper()
			_, err := s.MediaByID(ctx, mediaID(t, m.ID))
			return err == nil
		}

		// Within the grace nothing goes.
		if n, err := srv.Media.DeleteStale(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
			t.Fatalf("within the grace: deleted %d, %v", n, err)
		}
		// Bob's upload, made after the cut-off, stays too.
		cutoff := time.Now().Add(time.Second)
		time.Sleep(1100 * time.Millisecond)
		fresh := uploadImage(t, bob, "just now")
		n, err := srv.Media.DeleteStale(ctx, cutoff)
		if err != nil || n != 3 {
			t.Fatalf("after the grace: deleted %d, %v; want 3", n, err)
		}
		for name, m := range map[string]mediaJSON{"never attached": lonely, "redrafted": redrafted, "cancelled": cancelled} {
			if exists(m) || onDisk(*m.URL) || onDisk(*m.PreviewURL) {
				t.Errorf("%s: row or files left", name)
			}
		}
		for name, m := range map[string]mediaJSON{"posted": posted, "scheduled": scheduled, "fresh": fresh} {
			if !exists(m) || !onDisk(*m.URL) || !onDisk(*m.PreviewURL) {
				t.Errorf("%s: row or files deleted", name)
			}
		}
		for _, u := range []string{me.Avatar, me.Header} {
			if !onDisk(u) {
				t.Errorf("profile image %s deleted", u)
			}
			if code := statusOf(t, u); code != 200 {
				t.Errorf("GET %s = %d after the clean-up", u, code)
			}
		}
		// The scheduled status still has its picture.
		var got struct {
			MediaAttachments []mediaJSON `json:"media_attachments"`
		}
		get(t, srv, alice, "/api/v1/scheduled_statuses/"+sc.ID, 200, &got)
		if len(got.MediaAttachments) != 1 || got.MediaAttachments[0].ID != scheduled.ID {
			t.Errorf("the scheduled status lost its upload: %+v", got.MediaAttachments)
		}
		// Nothing more to do.
		if n, err := srv.Media.DeleteStale(ctx, cutoff); err != nil || n != 0 {
			t.Errorf("a second run deleted %d, %v", n, err)
		}
	})
}
