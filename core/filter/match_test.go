package filter_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core/filter"
	"github.com/rounds-md/rounds/storage"
)

func TestKeywordMatching(t *testing.T) {
	for _, tc := range []struct {
		keyword string
		whole   bool
		text    string
		want    bool
	}{
		{"cat", false, "Concatenate", true},
		{"cat", true, "Concatenate", false},
		{"cat", true, "a cat.", true},
		{"cat", true, "CAT!", true},
		{"cat", true, "cats", false},
		{"cat", true, "cat_food", false},
		{"cat", true, "concat cat", true}, // the second occurrence is whole
		{"Über", true, "das übermorgen", false},
		{"über", true, "so ÜBER, ja", true},
		{"STRASSE", false, "die Straße", false}, // lower-casing, not full case folding
		{"STRASSE", false, "die strasse", true},
		{"ärzt", false, "die Ärztin", true},
		{"ärzt", true, "die Ärztin", false},
		{"日本", true, "日本語", false}, // letters on both sides
		{"日本", false, "日本語", true},
		{"#radiology", true, "see #radiology now", true},
		{"#radiology", true, "see x#radiology now", true}, // a non-word start needs no boundary
		{"#radiology", true, "see #radiology_x", false},
		{"c++", true, "I like c++!", true},
		{"phone", true, "téléphone", false}, // é is a letter: no boundary
		{"phone", false, "téléphone", true},
		{"  spaced  ", false, "a spaced word", true},
		{"x", true, "", false},
		{"mère", true, "la mère.", true},
		{"e\u0301", false, "cafe\u0301", true},
	} {
		t.Run(fmt.Sprintf("%s/%v/%s", tc.keyword, tc.whole, tc.text), func(t *testing.T) {
			r := filter.Compile([]storage.FilterSet{{
				Filter:   storage.Filter{ID: 1, Title: "f", Context: "home", Action: "warn"},
				Keywords: []storage.FilterKeyword{{ID: 2, Keyword: tc.keyword, WholeWord: tc.whole}},
			}}, time.Now())
			got := r.Match(tc.text, 99)
			if (len(got) == 1) != tc.want {
				t.Fatalf("Match = %+v, want match %v", got, tc.want)
			}
			if tc.want && (len(got[0].KeywordMatches) != 1 || got[0].KeywordMatches[0] != tc.keyword || got[0].StatusMatches != nil) {
				t.Errorf("result = %+v", got[0])
			}
		})
	}
}

func TestRules(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	past, future := now.Add(-time.Minute), now.Add(time.Hour)
	sets := []storage.FilterSet{
		{Filter: storage.Filter{ID: 1, Context: "home,public", Action: "hide"},
			Keywords: []storage.FilterKeyword{{Keyword: "spoiler", WholeWord: true}, {Keyword: "leak", WholeWord: false}}},
		{Filter: storage.Filter{ID: 2, Context: "thread", Action: "warn", ExpiresAt: &future},
			Keywords: []storage.FilterKeyword{{Keyword: "spoiler", WholeWord: false}},
			Statuses: []storage.FilterStatus{{StatusID: 50}}},
		{Filter: storage.Filter{ID: 3, Context: "home", Action: "hide", ExpiresAt: &past},
			Keywords: []storage.FilterKeyword{{Keyword: "spoiler"}}},
		{Filter: storage.Filter{ID: 4, Context: "home", Action: "hide"},
			Keywords: []storage.FilterKeyword{{Keyword: "   "}}},
	}
	r := filter.Compile(sets, now)
	if r.Empty() {
		t.Fatal("rules empty")
	}
	if (*filter.Rules)(nil).Match("spoiler") != nil || !(*filter.Rules)(nil).Empty() {
		t.Error("nil rules match")
	}

	got := r.Match("No SPOILERS, but a leaked plan", 7)
	if len(got) != 2 || got[0].Filter.ID != 1 || got[1].Filter.ID != 2 {
		t.Fatalf("matches = %+v", got)
	}
	if fmt.Sprint(got[0].KeywordMatches) != "[leak]" || fmt.Sprint(got[1].KeywordMatches) != "[spoiler]" {
		t.Errorf("keyword matches = %v, %v", got[0].KeywordMatches, got[1].KeywordMatches)
	}
	for _, tc := range []struct {
		c    filter.Context
		want bool
	}{{filter.Home, true}, {filter.Public, true}, {filter.Thread, false}, {filter.Notifications, false}, {filter.Account, false}} {
		if filter.Hidden(got, tc.c) != tc.want {
			t.Errorf("Hidden in %s = %v, want %v", tc.c, !tc.want, tc.want)
		}
	}

	// A boost of a named status matches by the boosted ID; the expired
	// filter 3 and the blank filter 4 never match.
	got = r.Match("nothing here", 8, 50)
	if len(got) != 1 || got[0].Filter.ID != 2 || fmt.Sprint(got[0].StatusMatches) != "[50]" || got[0].KeywordMatches != nil {
		t.Fatalf("status match = %+v", got)
	}
	if filter.Hidden(got, filter.Thread) {
		t.Error("a warn filter hides")
	}
	if got := r.Match("spoiler", 1); len(got) != 2 {
		t.Errorf("expired filter matched: %+v", got)
	}
}

func TestPlainText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"<p>one<br />two</p><p>three &amp; four</p>", "one\ntwo\n\nthree & four"},
		{`<p>hi <span class="h-card"><a href="x" class="u-url mention">@<span>bob</span></a></span></p>`, "hi @bob"},
		{`<a href="https://x/tags/rad" class="mention hashtag" rel="tag">#<span>Rad</span></a>`, "#Rad"},
		{"plain", "plain"},
		{"a < b", "a"},
		{"<>x", "x"},
		{"&lt;script&gt;", "<script>"},
	} {
		if got := filter.PlainText(tc.in); got != tc.want {
			t.Errorf("PlainText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := filter.StatusText("CW", "<p>body</p>"); got != "CW\n\nbody" {
		t.Errorf("StatusText = %q", got)
	}
}
