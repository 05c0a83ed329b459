package storage_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestStatusFactsSlots: at each edge of the SQLite texts with slots (no
// IDs, one, a full text, one more, more than the largest text holds), the
// facts are those of the statement that takes the IDs as JSON, every
// status of the request counted (the last slot of a text included) and
// none other; on SQLite each request takes the text with the fewest slots
// that hold it, or JSON past the largest.
func TestStatusFactsSlots(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		var mu sync.Mutex
		var texts []string
		s.OnStatement(func(q string) {
			if strings.Contains(q, "status_stats") && strings.Contains(q, "page(id)") {
				mu.Lock()
				texts = append(texts, q)
				mu.Unlock()
			}
		})
		acct := newLocals(t, ctx, s, "ana", "ben", "cy")
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		post := func(author string, n storage.NewStatus) int64 {
			t.Helper()
			return postPublic(t, ctx, s, acct[author], "", n)
		}
		mark := func(m storage.Mark, who string, id int64) {
			t.Helper()
			_, err := s.AddMark(ctx, m, acct[who], id)
			must(err)
		}
		// Every status has a favourite (cy's), so that each slot shows in
		// Favourites; the other facts vary.
		const total = 100
		ids := make([]int64, total)
		for i := range ids {
			n := storage.NewStatus{}
			if i%2 == 0 {
				n.MentionIDs = []int64{acct["cy"], acct["ana"]}
			}
			if i%3 == 0 {
				n.Tags = []string{fmt.Sprintf("topic%d", i%5), "cardiology"}
			}
			ids[i] = post("ben", n)
			mark(storage.Favourite, "cy", ids[i])
			if i%4 == 0 {
				mark(storage.Favourite, "ana", ids[i])
			}
			if i%6 == 0 {
				mark(storage.Bookmark, "ana", ids[i])
			}
			if i%7 == 0 {
				mark(storage.Pin, "ana", ids[i])
			}
			if i%8 == 0 {
				post("ana", storage.NewStatus{Status: &storage.Status{ReblogOfID: ptr(ids[i])}})
			}
			if i%9 == 0 {
				post("cy", storage.NewStatus{Status: &storage.Status{InReplyToID: ptr(ids[i])}})
			}
		}
		// The IDs increase with i, so the first n of them fill the first
		// n slots in order.
		for _, c := range []struct {
			statuses int
			repeat   bool
			slots    int // of the SQLite text; 0: JSON
		}{
			{0, false, 0}, {1, false, 1}, {1, true, 1}, {2, false, 8}, {2, true, 8},
			{8, false, 8}, {9, false, 20}, {20, false, 20}, {21, false, 40}, {40, true, 40},
			{41, false, 80}, {80, false, 80}, {81, false, 0}, {total, true, 0},
		} {
			name := fmt.Sprintf("%d statuses", c.statuses)
			page := ids[:c.statuses]
			if c.repeat {
				// Repeats (a boost and its original on one page) take no
				// slots.
				page = append(append([]int64{}, page...), page...)
			}
			mu.Lock()
			texts = nil
			mu.Unlock()
			got, err := s.StatusFactsOfStatement(ctx, acct["ana"], page)
			must(err)
			mu.Lock()
			sent := texts
			mu.Unlock()
			want, err := s.StatusFactsOfJSON(ctx, acct["ana"], page)
			must(err)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: with slots\n got %+v\nwant %+v", name, got, want)
			}
			if len(got.Favourites) != c.statuses {
				t.Errorf("%s: favourites of %d statuses, want %d", name, len(got.Favourites), c.statuses)
			}
			switch {
			case c.statuses == 0:
				if len(sent) != 0 {
					t.Errorf("%s: %d statements, want none", name, len(sent))
				}
			case len(sent) != 1:
				t.Errorf("%s: %d statements, want one", name, len(sent))
			case s.Dialect() != storage.SQLite:
			case c.slots == 0 && !strings.Contains(sent[0], "json_each"):
				t.Errorf("%s: not the JSON text: %.80s", name, sent[0])
			case c.slots > 0 && !strings.HasPrefix(sent[0], fmt.Sprintf("WITH page(id) AS (VALUES (?2)%s), ", strings.Repeat(",(?)", c.slots-1))):
				t.Errorf("%s: not the text with %d slots: %.80s", name, c.slots, sent[0])
			}
		}
	})
}
