package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestInsertNotificationUnlessMuted: a notification is stored unless its
// recipient blocks the sender, mutes the sender's notifications (while the
// mute lasts), or muted the conversation of the status it is about.
func TestInsertNotificationUnlessMuted(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := time.Now()
		mk := func(name string) *storage.Account {
			a := &storage.Account{Username: name, ActorType: storage.ActorPerson}
			if err := s.CreateAccount(ctx, a); err != nil {
				t.Fatal(err)
			}
			return a
		}
		rcpt := mk("recipient")
		plain, blocked, muted, mutedQuietly, expired, threaded := mk("plain"), mk("blocked"), mk("muted"), mk("quiet"), mk("expired"), mk("threaded")
		if err := s.InsertBlock(ctx, &storage.Block{AccountID: rcpt.ID, TargetAccountID: blocked.ID}); err != nil {
			t.Fatal(err)
		}
		past := now.Add(-time.Hour)
		for _, m := range []*storage.Mute{
			{AccountID: rcpt.ID, TargetAccountID: muted.ID, HideNotifications: true},
			{AccountID: rcpt.ID, TargetAccountID: mutedQuietly.ID, HideNotifications: false},
			{AccountID: rcpt.ID, TargetAccountID: expired.ID, HideNotifications: true, ExpiresAt: &past},
		} {
			if err := s.UpsertMute(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		status := func(author *storage.Account) int64 {
			st := &storage.Status{AccountID: author.ID, Visibility: "public", Content: "x", Local: true}
			if err := s.InsertStatus(ctx, storage.NewStatus{Status: st}); err != nil {
				t.Fatal(err)
			}
			return st.ID
		}
		inMuted := status(threaded)
		if err := s.MuteConversation(ctx, rcpt.ID, inMuted); err != nil {
			t.Fatal(err)
		}
		other := status(threaded)

		for _, c := range []struct {
			name     string
			from     int64
			statusID int64
			want     bool
		}{
			{"plain", plain.ID, 0, true},
			{"plain about a status", plain.ID, other, true},
			{"blocked sender", blocked.ID, 0, false},
			{"muted with notifications", muted.ID, other, false},
			{"muted without notifications", mutedQuietly.ID, other, true},
			{"expired mute", expired.ID, 0, true},
			{"muted conversation", threaded.ID, inMuted, false},
			{"another conversation of the same sender", threaded.ID, other, true},
		} {
			n := &storage.Notification{AccountID: rcpt.ID, FromAccountID: c.from, Type: "mention"}
			if c.statusID != 0 {
				n.StatusID = &c.statusID
			}
			got, err := s.InsertNotificationUnlessMuted(ctx, n, now)
			if err != nil || got != c.want {
				t.Errorf("%s: stored %v (%v), want %v", c.name, got, err, c.want)
			}
			ns, err := s.Notifications(ctx, rcpt.ID, storage.NotificationFilter{FromAccountID: c.from}, storage.Page{Limit: 40})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, x := range ns {
				found = found || x.ID == n.ID
			}
			if found != c.want {
				t.Errorf("%s: row present %v, want %v", c.name, found, c.want)
			}
			if found {
				for _, x := range ns {
					if x.ID == n.ID && (x.Type != "mention" || (c.statusID != 0) != (x.StatusID != nil) || x.ReportID != nil ||
						!x.CreatedAt.Equal(n.CreatedAt.Truncate(time.Microsecond))) {
						t.Errorf("%s: stored %+v", c.name, x)
					}
				}
			}
		}
	})
}
