package storage_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestHomeStatusesScansAsBun: the home feed, scanned by hand, gives the
// rows bun gives for the same statuses, every column set or NULL, in
// every kind of page.
func TestHomeStatusesScansAsBun(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		_, reader, err := newLocal(ctx, s, "reader", "reader@example.org")
		if err != nil {
			t.Fatal(err)
		}
		str := func(v string) *string { return &v }
		var ids []int64
		for i := range 6 {
			st := &storage.Status{AccountID: reader.ID, Local: true, Visibility: "public", Text: "plain", Content: "<p>plain</p>"}
			if i%2 == 1 {
				parent := ids[0]
				st.URI, st.URL, st.Language = str("https://rounds.example/s/"+string(rune('a'+i))), str("https://rounds.example/@reader/x"), str("en")
				st.InReplyToID, st.InReplyToAccountID, st.ConversationID = &parent, &reader.ID, &parent
				st.SpoilerText, st.Sensitive, st.Visibility = "cw", true, "unlisted"
			}
			if i == 4 {
				parent := ids[0]
				st.ReblogOfID = &parent
			}
			if err := s.InsertStatus(ctx, storage.NewStatus{Status: st}); err != nil {
				t.Fatal(err)
			}
			if err := s.FanOut(ctx, st, false, false, nil); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, st.ID)
		}
		if err := s.EditStatus(ctx, ids[3], storage.StatusEdit{Content: "<p>edited</p>", EditedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteStatus(ctx, ids[5]); err != nil {
			t.Fatal(err)
		}
		want, err := s.StatusesByIDs(ctx, ids[:5]) // read through bun
		if err != nil {
			t.Fatal(err)
		}
		byID := map[int64]storage.Status{}
		for _, st := range want {
			byID[st.ID] = st
		}
		for _, tc := range []struct {
			name string
			page storage.Page
			ids  []int64
		}{
			{"newest", storage.Page{Limit: 40}, []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}},
			{"limit", storage.Page{Limit: 2}, []int64{ids[4], ids[3]}},
			{"max_id", storage.Page{Limit: 2, MaxID: ids[3]}, []int64{ids[2], ids[1]}},
			{"since_id", storage.Page{Limit: 2, SinceID: ids[1]}, []int64{ids[4], ids[3]}},
			{"min_id", storage.Page{Limit: 2, MinID: ids[1]}, []int64{ids[3], ids[2]}},
			{"min_id and max_id", storage.Page{Limit: 5, MinID: ids[0], MaxID: ids[3]}, []int64{ids[2], ids[1]}},
		} {
			got, err := s.HomeStatuses(ctx, reader.ID, tc.page)
			if err != nil {
				t.Fatal(err)
			}
			var gotIDs []int64
			for _, st := range got {
				gotIDs = append(gotIDs, st.ID)
				if !reflect.DeepEqual(st, byID[st.ID]) {
					t.Errorf("%s: scanned %+v\nbun read %+v", tc.name, st, byID[st.ID])
				}
			}
			if !reflect.DeepEqual(gotIDs, tc.ids) {
				t.Errorf("%s: got %v, want %v", tc.name, gotIDs, tc.ids)
			}
		}
		// Inside a transaction the same statement goes through bun.
		err = s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			got, err := tx.HomeStatuses(ctx, reader.ID, storage.Page{Limit: 1})
			if err == nil && (len(got) != 1 || !reflect.DeepEqual(got[0], byID[ids[4]])) {
				t.Errorf("in a transaction: %+v", got)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
