package post_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestCreateAnswersAsGet: the status Create answers with is the status Get
// reads back for its author, field for field, whether Create built it
// from what it wrote (timeline.Written: top-level, no media, no poll) or
// read it (a reply): mentions out of order and repeated, hashtags in mixed
// case and repeated, content warnings, each visibility, a language, and a
// filter of the author's that matches.
func TestCreateAnswersAsGet(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := newWorld(s)
		ana := w.local(t, "ana")
		w.local(t, "zed") // before bob: mentioned after him, sorted before
		w.local(t, "bob")
		w.remote(t, "rita")
		f := &storage.Filter{AccountID: ana.ID, Title: "rounds", Context: "home,public,thread,account", Action: "warn"}
		if err := s.InsertFilter(ctx, f); err != nil {
			t.Fatal(err)
		}
		if err := s.InsertFilterKeyword(ctx, &storage.FilterKeyword{FilterID: f.ID, Keyword: "handover", WholeWord: true}); err != nil {
			t.Fatal(err)
		}
		top, err := w.posts.Create(ctx, ana, post.Draft{Text: "first"})
		if err != nil {
			t.Fatal(err)
		}
		yes := true
		for _, d := range []post.Draft{
			{Text: "plain"},
			{Text: "@bob @zed @bob @rita@other.example look #Cardio #cardio #ECG", Language: "en"},
			{Text: "handover at 19:00", SpoilerText: "ward", Visibility: "unlisted"},
			{Text: "for followers #Rounds", Visibility: "private", Sensitive: &yes},
			{Text: "@bob direct @zed", Visibility: "direct"},
			{Text: "a reply @bob #thread", InReplyToID: top.ID},
		} {
			got, err := w.posts.Create(ctx, ana, d)
			if err != nil {
				t.Fatalf("%q: %v", d.Text, err)
			}
			read, err := w.timelines.Get(ctx, ana, got.ID)
			if err != nil {
				t.Fatal(err)
			}
			if matches := len(got.Filtered) > 0; matches != (d.Text == "handover at 19:00") {
				t.Errorf("%q: filtered %v", d.Text, got.Filtered)
			}
			if g, r := normal(got), normal(read); !reflect.DeepEqual(g, r) {
				t.Errorf("%q:\ncreate answered %+v\n     get reads %+v", d.Text, g, r)
			}
		}
	})
}

// normal puts a status's times in UTC, as the databases may hand them
// back in another location.
func normal(st *timeline.Status) timeline.Status {
	c := *st
	utc := func(t time.Time) time.Time { return t.UTC() }
	c.CreatedAt, c.UpdatedAt = utc(c.CreatedAt), utc(c.UpdatedAt)
	a := c.Account
	a.Account = new(storage.Account)
	*a.Account = *st.Account.Account
	a.Account.CreatedAt, a.Account.UpdatedAt = utc(a.Account.CreatedAt), utc(a.Account.UpdatedAt)
	c.Account = a
	var ms []*storage.Account
	for _, m := range st.Mentions {
		mc := *m
		mc.CreatedAt, mc.UpdatedAt = utc(mc.CreatedAt), utc(mc.UpdatedAt)
		ms = append(ms, &mc)
	}
	c.Mentions = ms
	return c
}
