package timeline_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// BenchmarkHomeTimeline reads a 40-status page of a home feed holding N
// statuses from 50 followed authors (and as many rows of another
// reader's feed), on both databases. The time per page should barely move
// from 10k to 100k statuses: reading home is a range scan on the
// (account_id, status_id) primary key of home_feed, not a query over
// statuses. "feed" is the storage scan alone, "page" the hydrated page as
// the API returns it, "deep" a page from the middle of the feed.
func BenchmarkHomeTimeline(b *testing.B) {
	for _, d := range []storage.Dialect{storage.SQLite, storage.Postgres} {
		for _, n := range []int{10_000, 100_000} {
			b.Run(fmt.Sprintf("%s/%dk", d, n/1000), func(b *testing.B) {
				ctx := context.Background()
				s := storagetest.Open(b, d)
				reader, middle := seed(b, s, n)
				tl := timeline.New(s, profile.New(s, instance.Config{Domain: "rounds.example", Protocol: "https"}))
				b.Run("feed", func(b *testing.B) {
					for b.Loop() {
						if sts, err := s.HomeStatuses(ctx, reader.ID, storage.Page{Limit: 40}); err != nil || len(sts) != 40 {
							b.Fatal(len(sts), err)
						}
					}
				})
				b.Run("page", func(b *testing.B) {
					for b.Loop() {
						if res, err := tl.Home(ctx, reader, storage.Page{Limit: 40}); err != nil || len(res.Statuses) != 40 {
							b.Fatal(len(res.Statuses), err)
						}
					}
				})
				b.Run("deep", func(b *testing.B) {
					for b.Loop() {
						if res, err := tl.Home(ctx, reader, storage.Page{Limit: 40, MaxID: middle}); err != nil || len(res.Statuses) != 40 {
							b.Fatal(len(res.Statuses), err)
						}
					}
				})
			})
		}
	}
}

// BenchmarkTimelines reads a 40-status page of the public timeline and
// of one author's statuses (as a follower sees them), over the statuses
// of BenchmarkHomeTimeline's 10k seed, on both databases.
func BenchmarkTimelines(b *testing.B) {
	for _, d := range []storage.Dialect{storage.SQLite, storage.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			ctx := context.Background()
			s := storagetest.Open(b, d)
			reader, _ := seed(b, s, 10_000)
			author, err := s.AccountByUsername(ctx, "author7", "")
			if err != nil {
				b.Fatal(err)
			}
			tl := timeline.New(s, profile.New(s, instance.Config{Domain: "rounds.example", Protocol: "https"}))
			b.Run("public", func(b *testing.B) {
				for b.Loop() {
					if res, err := tl.Public(ctx, reader, storage.PublicFilter{}, storage.Page{Limit: 40}); err != nil || len(res.Statuses) != 40 {
						b.Fatal(len(res.Statuses), err)
					}
				}
			})
			b.Run("account", func(b *testing.B) {
				for b.Loop() {
					if res, err := tl.Account(ctx, reader, author.ID, timeline.AccountFilter{}, storage.Page{Limit: 40}); err != nil || len(res.Statuses) != 40 {
						b.Fatal(len(res.Statuses), err)
					}
				}
			})
		})
	}
}

// seed makes 50 authors, a reader following them all, n statuses spread
// over the authors with the reader's home feed rows, and a second reader
// with the same feed. It writes rows in bulk so that seeding stays quick.
func seed(b *testing.B, s *storage.Store, n int) (*storage.Account, int64) {
	b.Helper()
	ctx := context.Background()
	mk := func(name string) *storage.Account {
		a := &storage.Account{Username: name, ActorType: storage.ActorPerson, Discoverable: true}
		if err := s.CreateAccount(ctx, a); err != nil {
			b.Fatal(err)
		}
		return a
	}
	reader, other := mk("reader"), mk("other")
	authors := make([]*storage.Account, 50)
	for i := range authors {
		authors[i] = mk(fmt.Sprintf("author%d", i))
		for _, r := range []*storage.Account{reader, other} {
			if err := s.UpsertFollow(ctx, &storage.Follow{AccountID: r.ID, TargetAccountID: authors[i].ID, ShowReblogs: true}); err != nil {
				b.Fatal(err)
			}
		}
	}
	start := time.Now().Add(-time.Duration(n) * time.Second).UTC()
	ts := func(t time.Time) string { return t.Format("2006-01-02 15:04:05.000000-07:00") }
	const batch = 500
	var middle int64
	for lo := 0; lo < n; lo += batch {
		var sts, feed []string
		for i := lo; i < min(lo+batch, n); i++ {
			at := start.Add(time.Duration(i) * time.Second)
			id := storage.IDAt(at) + int64(i%1000)
			if i == n/2 {
				middle = id
			}
			author := authors[i%len(authors)].ID
			sts = append(sts, fmt.Sprintf("(%d, %d, TRUE, 'status %d', '<p>status %d</p>', 'public', '%s', '%s', %d)", id, author, i, i, ts(at), ts(at), id))
			feed = append(feed, fmt.Sprintf("(%d, %d, %d)", reader.ID, id, author), fmt.Sprintf("(%d, %d, %d)", other.ID, id, author))
		}
		for _, q := range []string{
			"INSERT INTO statuses (id, account_id, local, text, content, visibility, created_at, updated_at, conversation_id) VALUES " + strings.Join(sts, ","),
			"INSERT INTO home_feed (account_id, status_id, author_id) VALUES " + strings.Join(feed, ","),
		} {
			if _, err := s.DB().ExecContext(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	}
	// The counters InsertStatus keeps, filled in bulk like the rows (the
	// follows above made the authors' rows already).
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO account_stats (account_id, statuses_count, last_status_at)
		SELECT account_id, count(*), max(created_at) FROM statuses WHERE TRUE GROUP BY account_id
		ON CONFLICT (account_id) DO UPDATE SET statuses_count = excluded.statuses_count, last_status_at = excluded.last_status_at`); err != nil {
		b.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	return reader, middle
}
