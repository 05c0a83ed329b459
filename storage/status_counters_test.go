package storage_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun/migrate"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/migrations"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// statusCounts are one status's counters: replies, favourites, boosts,
// and its mention, hashtag, attachment and poll rows.
type statusCounts struct{ Replies, Favourites, Reblogs, Mentions, Tags, Media, Polls int }

// countStatusRows counts, for every status ID that anything points at,
// the rows behind its counters: undeleted public and unlisted replies,
// favourites, undeleted boosts, mentions, hashtags, attachments, polls.
func countStatusRows(t *testing.T, s *storage.Store) map[int64]statusCounts {
	t.Helper()
	var rows []struct {
		ID   int64  `bun:"id"`
		Kind string `bun:"kind"`
		N    int    `bun:"n"`
	}
	err := rawDB(s).NewRaw(`
		SELECT in_reply_to_id AS id, 'c' AS kind, count(*) AS n FROM statuses
			WHERE in_reply_to_id IS NOT NULL AND deleted_at IS NULL AND visibility IN ('public', 'unlisted') GROUP BY in_reply_to_id
		UNION ALL SELECT status_id, 'f', count(*) FROM favourites GROUP BY status_id
		UNION ALL SELECT reblog_of_id, 'r', count(*) FROM statuses WHERE reblog_of_id IS NOT NULL AND deleted_at IS NULL GROUP BY reblog_of_id
		UNION ALL SELECT status_id, 'm', count(*) FROM status_mentions GROUP BY status_id
		UNION ALL SELECT status_id, 't', count(*) FROM status_tags GROUP BY status_id
		UNION ALL SELECT status_id, 'a', count(*) FROM media_attachments WHERE status_id IS NOT NULL GROUP BY status_id
		UNION ALL SELECT status_id, 'p', count(*) FROM polls GROUP BY status_id`).
		Scan(context.Background(), &rows)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]statusCounts{}
	for _, r := range rows {
		c := out[r.ID]
		switch r.Kind {
		case "c":
			c.Replies = r.N
		case "f":
			c.Favourites = r.N
		case "r":
			c.Reblogs = r.N
		case "m":
			c.Mentions = r.N
		case "t":
			c.Tags = r.N
		case "a":
			c.Media = r.N
		case "p":
			c.Polls = r.N
		}
		out[r.ID] = c
	}
	return out
}

// checkStatusCounts compares the counters with the rows: the whole of
// status_stats, and StatusFactsOf for the statuses named (as a page reads
// them, with the viewer's favourites and boosts).
func checkStatusCounts(t *testing.T, s *storage.Store, step string, viewer int64, sts map[string]int64) {
	t.Helper()
	ctx := context.Background()
	want := countStatusRows(t, s)
	var stored []struct {
		ID         int64 `bun:"status_id"`
		Replies    int   `bun:"replies_count"`
		Favourites int   `bun:"favourites_count"`
		Reblogs    int   `bun:"reblogs_count"`
		Mentions   int   `bun:"mentions_count"`
		Tags       int   `bun:"tags_count"`
		Media      int   `bun:"media_count"`
		Polls      int   `bun:"polls_count"`
	}
	if err := rawDB(s).NewRaw(`SELECT status_id, replies_count, favourites_count, reblogs_count,
		mentions_count, tags_count, media_count, polls_count FROM status_stats`).Scan(ctx, &stored); err != nil {
		t.Fatal(err)
	}
	got := map[int64]statusCounts{}
	for _, r := range stored {
		if c := (statusCounts{r.Replies, r.Favourites, r.Reblogs, r.Mentions, r.Tags, r.Media, r.Polls}); c != (statusCounts{}) {
			got[r.ID] = c
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("%s: status_stats holds %v, the rows say %v", step, got, want)
	}
	ids := slices.Collect(maps.Values(sts))
	facts, err := s.StatusFactsOf(ctx, viewer, ids, nil)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	for name, id := range sts {
		c := statusCounts{facts.Replies[id], facts.Favourites[id], facts.Reblogs[id],
			len(facts.Mentions[id]), len(facts.Tags[id]), b2i(facts.HasMedia[id]), b2i(facts.HasPoll[id])}
		w := want[id]
		w.Media, w.Polls = min(w.Media, 1), min(w.Polls, 1)
		if c != w {
			t.Errorf("%s: %s has counts %+v, the rows say %+v", step, name, c, want[id])
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestStatusCounters: reply, favourite and boost counters follow every
// way replies, favourites and boosts come and go, and the migration's
// backfill recomputes them.
func TestStatusCounters(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		accts := anaBenCyRem(t, ctx, s)
		sts := map[string]int64{}
		post := func(name, author, visibility string, inReplyTo, reblogOf *int64) {
			t.Helper()
			st := &storage.Status{AccountID: accts[author].ID, Local: author != "rem", Visibility: visibility,
				InReplyToID: inReplyTo, ReblogOfID: reblogOf, Text: name}
			if err := s.InsertStatus(ctx, storage.NewStatus{Status: st}); err != nil {
				t.Fatal(err)
			}
			sts[name] = st.ID
		}
		ref := func(name string) *int64 { id := sts[name]; return &id }
		mark := func(m storage.Mark, who, what string, add bool) {
			t.Helper()
			var err error
			if add {
				_, err = s.AddMark(ctx, m, accts[who].ID, sts[what])
			} else {
				_, err = s.RemoveMark(ctx, m, accts[who].ID, sts[what])
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		viewer := accts["ben"].ID

		post("root", "ana", "public", nil, nil)
		post("other", "ben", "unlisted", nil, nil)
		checkStatusCounts(t, s, "no activity", viewer, sts)

		// Replies of each visibility: only public and unlisted ones count.
		for _, v := range []string{"public", "unlisted", "private", "direct"} {
			post("reply-"+v, "ben", v, ref("root"), nil)
		}
		post("remote-reply", "rem", "public", ref("root"), nil)
		post("reply-to-reply", "cy", "public", ref("reply-public"), nil)
		// A reply that arrives before the status it answers.
		early := int64(1) << 50
		post("early-reply", "rem", "public", &early, nil)
		checkStatusCounts(t, s, "after replies", viewer, sts)
		if f, _ := s.StatusFactsOf(ctx, viewer, []int64{sts["root"]}, nil); f.Replies[sts["root"]] != 3 {
			t.Fatalf("root replies = %d, want 3", f.Replies[sts["root"]])
		}
		if _, err := rawDB(s).NewRaw(`INSERT INTO statuses (id, account_id, local, visibility, created_at, updated_at)
			VALUES (?, ?, FALSE, 'public', ?, ?)`, early, accts["rem"].ID, time.Now(), time.Now()).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		sts["late-parent"] = early
		checkStatusCounts(t, s, "after the parent arrives", viewer, sts)

		// Favourites, a repeated one, an unfavourite.
		mark(storage.Favourite, "ben", "root", true)
		mark(storage.Favourite, "ben", "root", true)
		mark(storage.Favourite, "cy", "root", true)
		mark(storage.Favourite, "rem", "root", true)
		mark(storage.Favourite, "ana", "other", true)
		mark(storage.Bookmark, "ana", "root", true)
		checkStatusCounts(t, s, "after favourites", viewer, sts)
		mark(storage.Favourite, "cy", "root", false)
		mark(storage.Favourite, "cy", "root", false)
		checkStatusCounts(t, s, "after an unfavourite", viewer, sts)
		if f, _ := s.StatusFactsOf(ctx, viewer, []int64{sts["root"], sts["other"]}, nil); !f.Favourited[sts["root"]] || f.Favourited[sts["other"]] {
			t.Fatalf("ben's favourites: %v", f.Favourited)
		}

		// Mentions and hashtags, as posted and as edited; an attachment
		// uploaded, attached and detached; a poll.
		tagged := &storage.Status{AccountID: accts["ana"].ID, Local: true, Visibility: "public", Text: "tagged"}
		if err := s.InsertStatus(ctx, storage.NewStatus{Status: tagged, MentionIDs: []int64{accts["ben"].ID, accts["cy"].ID},
			Tags: []string{"cardiology", "radiology"}}); err != nil {
			t.Fatal(err)
		}
		sts["tagged"] = tagged.ID
		checkStatusCounts(t, s, "after mentions and hashtags", viewer, sts)
		if err := s.UpdateStatusText(ctx, tagged, []int64{accts["cy"].ID}, []string{"oncology", "radiology", "surgery"}); err != nil {
			t.Fatal(err)
		}
		checkStatusCounts(t, s, "after an edit", viewer, sts)
		now := time.Now().UTC()
		for i, key := range []string{"a.png", "b.png"} {
			if _, err := rawDB(s).NewRaw(`INSERT INTO media_attachments (id, account_id, type, state, file_key, created_at, updated_at)
				VALUES (?, ?, 'image', 'processed', ?, ?, ?)`, 100+i, accts["ana"].ID, key, now, now).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		checkStatusCounts(t, s, "after uploads", viewer, sts)
		if _, err := rawDB(s).NewRaw(`UPDATE media_attachments SET status_id = ?`, tagged.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		checkStatusCounts(t, s, "after attaching", viewer, sts)
		if _, err := rawDB(s).NewRaw(`UPDATE media_attachments SET status_id = NULL WHERE id = 100`).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := rawDB(s).NewRaw(`DELETE FROM media_attachments WHERE id = 100`).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		checkStatusCounts(t, s, "after detaching and deleting", viewer, sts)
		if _, err := rawDB(s).NewRaw(`INSERT INTO polls (id, status_id, account_id, created_at, updated_at) VALUES (200, ?, ?, ?, ?)`,
			sts["root"], accts["ana"].ID, now, now).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		checkStatusCounts(t, s, "after a poll", viewer, sts)

		// Boosts, and an unboost (a boost is deleted as a status).
		post("boost-ben", "ben", "public", nil, ref("root"))
		post("boost-cy", "cy", "public", nil, ref("root"))
		post("boost-rem", "rem", "public", nil, ref("other"))
		checkStatusCounts(t, s, "after boosts", viewer, sts)
		if f, _ := s.StatusFactsOf(ctx, viewer, []int64{sts["root"], sts["other"]}, nil); !f.Reblogged[sts["root"]] || f.Reblogged[sts["other"]] {
			t.Fatalf("ben's boosts: %v", f.Reblogged)
		}
		if err := s.DeleteStatus(ctx, sts["boost-cy"]); err != nil {
			t.Fatal(err)
		}
		checkStatusCounts(t, s, "after an unboost", viewer, sts)

		// A rolled-back favourite and boost leave the counters as they were.
		err := s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			if _, err := tx.AddMark(ctx, storage.Favourite, accts["cy"].ID, sts["other"]); err != nil {
				return err
			}
			st := &storage.Status{AccountID: accts["cy"].ID, Local: true, Visibility: "public", ReblogOfID: ref("other")}
			if err := tx.InsertStatus(ctx, storage.NewStatus{Status: st}); err != nil {
				return err
			}
			return fmt.Errorf("roll back")
		})
		if err == nil {
			t.Fatal("the transaction did not fail")
		}
		checkStatusCounts(t, s, "after a rolled-back favourite and boost", viewer, sts)

		// A reply's visibility changing, behind the Store's back.
		if _, err := rawDB(s).NewRaw(`UPDATE statuses SET visibility = 'private' WHERE id = ?`, sts["reply-unlisted"]).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		checkStatusCounts(t, s, "after a visibility change", viewer, sts)

		// Deleting a reply, and a status with favourites and boosts.
		if err := s.DeleteStatus(ctx, sts["reply-public"]); err != nil {
			t.Fatal(err)
		}
		checkStatusCounts(t, s, "after a reply's deletion", viewer, sts)
		if err := s.DeleteStatus(ctx, sts["other"]); err != nil {
			t.Fatal(err)
		}
		checkStatusCounts(t, s, "after a boosted status's deletion", viewer, sts)

		// A remote account deleted by its server: its replies and boosts go.
		if err := s.RemoveAccountContent(ctx, accts["rem"].ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		checkStatusCounts(t, s, "after a remote deletion", viewer, sts)

		// Deleting an account cascades to its statuses and favourites.
		if _, err := rawDB(s).NewRaw(`DELETE FROM accounts WHERE id = ?`, accts["cy"].ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		delete(sts, "reply-to-reply")
		delete(sts, "boost-cy")
		checkStatusCounts(t, s, "after an account deletion", viewer, sts)

		// The migration's backfill computes the same counts: roll it back
		// and apply it again.
		post("reply-again", "ana", "public", ref("root"), nil)
		mark(storage.Favourite, "ana", "root", true)
		migrator := migrate.NewMigrator(rawDB(s), migrations.Migrations)
		for _, m := range migrations.Migrations.Sorted() {
			if m.Name != "20261129010000" {
				continue
			}
			if err := m.Down(ctx, migrator, &m); err != nil {
				t.Fatalf("down: %v", err)
			}
			if err := m.Up(ctx, migrator, &m); err != nil {
				t.Fatalf("up again: %v", err)
			}
		}
		checkStatusCounts(t, s, "after the backfill", viewer, sts)
		post("boost-ana", "ana", "public", nil, ref("root"))
		mark(storage.Favourite, "ana", "root", false)
		checkStatusCounts(t, s, "after changes with the triggers made again", viewer, sts)
	}, storagetest.NoReadCache) // rawDB writes behind the Store's back
}
