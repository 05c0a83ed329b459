package mastodon_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/core/schedule"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// scheduledJSON is the ScheduledStatus entity as the tests read it.
type scheduledJSON struct {
	ID          string `json:"id"`
	ScheduledAt string `json:"scheduled_at"`
	Params      struct {
		Text        string  `json:"text"`
		Visibility  *string `json:"visibility"`
		SpoilerText *string `json:"spoiler_text"`
		InReplyToID *string `json:"in_reply_to_id"`
		Poll        *struct {
			Options   []string `json:"options"`
			ExpiresIn int      `json:"expires_in"`
			Multiple  bool     `json:"multiple"`
		} `json:"poll"`
		ApplicationID *string `json:"application_id"`
	} `json:"params"`
	MediaAttachments []any `json:"media_attachments"`
}

// in formats the time d from now as clients send scheduled_at.
func in(d time.Duration) string { return time.Now().Add(d).UTC().Format(time.RFC3339) }

func TestScheduledStatusCreate(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s, webtest.WithManualJobs())
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")

		// JSON (toot): the reply is a ScheduledStatus, told apart by its
		// scheduled_at key, and no status exists yet.
		at := time.Now().Add(10 * time.Minute).UTC().Truncate(time.Second)
		var raw map[string]any
		postJSON(t, alice, "/api/v1/statuses", map[string]any{
			"status": "later", "scheduled_at": at.Format(time.RFC3339), "visibility": "unlisted", "spoiler_text": "cw",
		}, 200, &raw)
		if _, ok := raw["scheduled_at"]; !ok {
			t.Fatalf("reply = %v", raw)
		}
		for _, k := range []string{"content", "uri", "account"} {
			if _, ok := raw[k]; ok {
				t.Errorf("a ScheduledStatus with %q: %v", k, raw)
			}
		}
		var sc scheduledJSON
		get(t, srv, alice, "/api/v1/scheduled_statuses/"+raw["id"].(string), 200, &sc)
		if sc.ScheduledAt != at.Format("2006-01-02T15:04:05.000Z") || sc.Params.Text != "later" ||
			sc.Params.Visibility == nil || *sc.Params.Visibility != "unlisted" || sc.Params.SpoilerText == nil ||
			*sc.Params.SpoilerText != "cw" || sc.Params.InReplyToID != nil || sc.Params.ApplicationID == nil ||
			sc.MediaAttachments == nil || len(sc.MediaAttachments) != 0 || sc.Params.Poll != nil {
			t.Errorf("scheduled = %+v", sc)
		}
		var mine []status
		get(t, srv, alice, "/api/v1/accounts/"+idStr(alice.ID)+"/statuses", 200, &mine)
		if len(mine) != 0 {
			t.Errorf("published at once: %v", ids(mine))
		}

		// Form (Mastodon.py), with a zone offset and a poll.
		var withPoll scheduledJSON
		postForm(t, alice, "/api/v1/statuses", url.Values{
			"status": {"poll later"}, "scheduled_at": {time.Now().Add(time.Hour).Format("2006-01-02T15:04:05.999999-07:00")},
			"poll[options][]": {"a", "b"}, "poll[expires_in]": {"3600"}, "poll[multiple]": {"true"},
		}, 200, &withPoll)
		if withPoll.Params.Poll == nil || len(withPoll.Params.Poll.Options) != 2 || withPoll.Params.Poll.ExpiresIn != 3600 ||
			!withPoll.Params.Poll.Multiple || withPoll.Params.Visibility != nil {
			t.Errorf("scheduled with poll = %+v", withPoll)
		}

		// Errors: too soon, past, unreadable, blank, a bad poll, a parent
		// the author may not see.
		hidden := post(t, bob, map[string]any{"status": "private", "visibility": "private"})
		for _, tc := range []struct {
			body map[string]any
			want int
		}{
			{map[string]any{"status": "soon", "scheduled_at": in(4 * time.Minute)}, 422},
			{map[string]any{"status": "past", "scheduled_at": in(-time.Hour)}, 422},
			{map[string]any{"status": "garbage", "scheduled_at": "next tuesday"}, 422},
			{map[string]any{"status": " ", "scheduled_at": in(time.Hour)}, 422},
			{map[string]any{"status": "poll", "scheduled_at": in(time.Hour), "poll": map[string]any{"options": []string{"one"}, "expires_in": 600}}, 422},
			{map[string]any{"status": "reply", "scheduled_at": in(time.Hour), "in_reply_to_id": hidden.ID}, 404},
		} {
			wantError(t, srv, alice, "POST", "/api/v1/statuses", tc.body, tc.want)
		}

		// Listed newest first, paged by Link; the author's only.
		var list []scheduledJSON
		h := get(t, srv, alice, "/api/v1/scheduled_statuses?limit=1", 200, &list)
		if len(list) != 1 || list[0].ID != withPoll.ID || h.Get("Link") == "" {
			t.Errorf("list = %+v, Link %q", list, h.Get("Link"))
		}
		next, _ := links(t, h.Get("Link"))
		get(t, srv, alice, next.RequestURI(), 200, &list)
		if len(list) != 1 || list[0].ID != sc.ID {
			t.Errorf("second page = %+v", list)
		}
		get(t, srv, bob, "/api/v1/scheduled_statuses", 200, &list)
		if len(list) != 0 {
			t.Errorf("bob sees %+v", list)
		}
		get(t, srv, bob, "/api/v1/scheduled_statuses/"+sc.ID, 404, nil)
		get(t, srv, nil, "/api/v1/scheduled_statuses", 401, nil)
		get(t, srv, alice, "/api/v1/scheduled_statuses/nope", 404, nil)

		// The daily limit: 25 due on one day.
		day := time.Now().UTC().Truncate(24 * time.Hour).Add(48 * time.Hour)
		for i := 0; i < schedule.DailyLimit; i++ {
			postJSON(t, bob, "/api/v1/statuses", map[string]any{"status": "many", "scheduled_at": day.Add(time.Duration(i) * time.Minute).Format(time.RFC3339)}, 200, nil)
		}
		wantError(t, srv, bob, "POST", "/api/v1/statuses", map[string]any{"status": "one more", "scheduled_at": day.Add(time.Hour).Format(time.RFC3339)}, 422)
		postJSON(t, bob, "/api/v1/statuses", map[string]any{"status": "next day", "scheduled_at": day.Add(25 * time.Hour).Format(time.RFC3339)}, 200, nil)
	})
}

// TestScheduledIdempotencyKey: scheduling again with the same
// Idempotency-Key within the hour returns the first scheduled status; a
// different key or account schedules anew; after the hour the key is
// free again, on a status scheduled anew.
func TestScheduledIdempotencyKey(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s, webtest.WithManualJobs())
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		body := map[string]any{"status": "screening reminder", "scheduled_at": in(time.Hour)}
		schedule := func(u *user, key string) string {
			t.Helper()
			var sc scheduledJSON
			postJSON(t, u, "/api/v1/statuses", body, 200, &sc, "Idempotency-Key", key)
			return sc.ID
		}
		a1, a2, a3, b1 := schedule(alice, "k1"), schedule(alice, "k1"), schedule(alice, "k2"), schedule(bob, "k1")
		if a1 != a2 {
			t.Errorf("the same key scheduled twice: %s, %s", a1, a2)
		}
		if a3 == a1 || b1 == a1 {
			t.Errorf("another key or account got the first scheduled status")
		}
		var list []scheduledJSON
		get(t, srv, alice, "/api/v1/scheduled_statuses", 200, &list)
		if len(list) != 2 {
			t.Errorf("alice has %d scheduled statuses, want 2", len(list))
		}
		// A status posted at once with the key is not the scheduled one.
		var now status
		postJSON(t, alice, "/api/v1/statuses", map[string]any{"status": "now"}, 200, &now, "Idempotency-Key", "k1")
		if now.ID == a1 || now.Content == "" {
			t.Errorf("posting at once with the key gave %+v", now)
		}
		// After the hour: scheduled anew, and the new one keeps the key.
		backdate(t, s, "scheduled_statuses")
		again := schedule(alice, "k1")
		if again == a1 {
			t.Errorf("an expired key returned the first scheduled status")
		}
		if last := schedule(alice, "k1"); last != again {
			t.Errorf("the renewed key scheduled %s, want %s", last, again)
		}
		get(t, srv, alice, "/api/v1/scheduled_statuses/"+a1, 200, nil)
	})
}

func TestScheduledStatusPublish(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		clk := &clock{}
		srv := webtest.Start(t, s, webtest.WithManualJobs(), webtest.WithJobClock(clk.Now))
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		follows(t, bob, alice)
		ctx := context.Background()

		var first, moved, cancelled, polled scheduledJSON
		postJSON(t, alice, "/api/v1/statuses", map[string]any{"status": "first", "scheduled_at": in(10 * time.Minute), "visibility": "private"}, 200, &first)
		postJSON(t, alice, "/api/v1/statuses", map[string]any{"status": "moved", "scheduled_at": in(15 * time.Minute)}, 200, &moved)
		postJSON(t, alice, "/api/v1/statuses", map[string]any{"status": "cancelled", "scheduled_at": in(12 * time.Minute)}, 200, &cancelled)
		postJSON(t, alice, "/api/v1/statuses", map[string]any{
			"status": "polled", "scheduled_at": in(20 * time.Minute), "poll": map[string]any{"options": []string{"x", "y"}, "expires_in": 600},
		}, 200, &polled)

		// Moving: a new time, the same rules; someone else's is not found.
		var got scheduledJSON
		newAt := time.Now().Add(30 * time.Minute).UTC().Truncate(time.Second)
		sendJSON(t, alice, "PUT", "/api/v1/scheduled_statuses/"+moved.ID, map[string]any{"scheduled_at": newAt.Format(time.RFC3339)}, 200, &got)
		if got.ScheduledAt != newAt.Format("2006-01-02T15:04:05.000Z") || got.Params.Text != "moved" {
			t.Errorf("moved = %+v", got)
		}
		wantError(t, srv, alice, "PUT", "/api/v1/scheduled_statuses/"+moved.ID, map[string]any{"scheduled_at": in(time.Minute)}, 422)
		wantError(t, srv, alice, "PUT", "/api/v1/scheduled_statuses/"+moved.ID, map[string]any{}, 422)
		wantError(t, srv, bob, "PUT", "/api/v1/scheduled_statuses/"+moved.ID, map[string]any{"scheduled_at": in(time.Hour)}, 404)

		// Cancelling removes it and its job.
		var empty map[string]any
		sendJSON(t, alice, "DELETE", "/api/v1/scheduled_statuses/"+cancelled.ID, nil, 200, &empty)
		if len(empty) != 0 {
			t.Errorf("cancel = %v", empty)
		}
		wantError(t, srv, alice, "DELETE", "/api/v1/scheduled_statuses/"+cancelled.ID, nil, 404)
		wantError(t, srv, bob, "DELETE", "/api/v1/scheduled_statuses/"+first.ID, nil, 404)
		counts, err := s.JobCounts(ctx)
		if err != nil || counts[schedule.PublishKind][storage.JobAvailable] != 3 {
			t.Errorf("publish jobs = %v, %v", counts[schedule.PublishKind], err)
		}

		texts := func() []string {
			var sts []status
			get(t, srv, alice, "/api/v1/accounts/"+idStr(alice.ID)+"/statuses", 200, &sts)
			var out []string
			for _, st := range sts {
				out = append(out, st.Content)
			}
			return out
		}
		// Nothing before its time.
		if n := runJobs(t, srv); n != 0 {
			t.Fatalf("%d jobs ran early", n)
		}
		clk.advance(11 * time.Minute)
		runJobs(t, srv)
		if got := texts(); len(got) != 1 || got[0] != "<p>first</p>" {
			t.Fatalf("after 11 minutes: %v", got)
		}
		// Published as written, to the author's followers.
		var home []status
		get(t, srv, bob, "/api/v1/timelines/home", 200, &home)
		if len(home) != 1 || home[0].Visibility != "private" || home[0].Content != "<p>first</p>" {
			t.Errorf("bob's home = %+v", home)
		}
		get(t, srv, alice, "/api/v1/scheduled_statuses/"+first.ID, 404, nil)

		// A second run of its job publishes nothing more.
		if _, err := srv.Jobs.Enqueue(ctx, s, schedule.PublishKind, map[string]any{"id": parseID(t, first.ID), "revision": 0}, job.Options{}); err != nil {
			t.Fatal(err)
		}
		runJobs(t, srv)
		// Nor does the old time of a moved one, or a cancelled one.
		clk.advance(5 * time.Minute) // 16: moved's old time, cancelled's too
		if _, err := srv.Jobs.Enqueue(ctx, s, schedule.PublishKind, map[string]any{"id": parseID(t, moved.ID), "revision": 0}, job.Options{}); err != nil {
			t.Fatal(err)
		}
		runJobs(t, srv)
		if got := texts(); len(got) != 1 {
			t.Errorf("after 16 minutes: %v", got)
		}

		// The poll starts when the status is published.
		clk.advance(5 * time.Minute) // 21
		published := time.Now()
		runJobs(t, srv)
		var sts []statusWithPoll
		get(t, srv, alice, "/api/v1/accounts/"+idStr(alice.ID)+"/statuses", 200, &sts)
		if len(sts) != 2 || sts[0].Content != "<p>polled</p>" || sts[0].Poll == nil || len(sts[0].Poll.Options) != 2 {
			t.Fatalf("after 21 minutes: %+v", sts)
		}
		end, _ := time.Parse("2006-01-02T15:04:05.000Z", *sts[0].Poll.ExpiresAt)
		if end.Before(published.Add(599*time.Second)) || end.After(time.Now().Add(601*time.Second)) {
			t.Errorf("poll ends %v, published %v", end, published)
		}

		clk.advance(10 * time.Minute) // 31
		runJobs(t, srv)
		if got := texts(); len(got) != 3 || got[0] != "<p>moved</p>" {
			t.Errorf("after 31 minutes: %v", got)
		}
		var left []scheduledJSON
		get(t, srv, alice, "/api/v1/scheduled_statuses", 200, &left)
		if len(left) != 0 {
			t.Errorf("left scheduled: %+v", left)
		}
	})
}
