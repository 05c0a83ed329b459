package visibility_test

import (
	"testing"

	"github.com/rounds-md/rounds/core/visibility"
)

// The audience table: every viewer kind against every visibility.
func TestMaySee(t *testing.T) {
	const author, follower, mentioned, stranger, blocked, admin, remote, blocker = 1, 2, 3, 4, 5, 6, 7, 8
	follows := map[int64]bool{author: true}
	viewers := []struct {
		name string
		v    visibility.Viewer
	}{
		{"author", visibility.Viewer{AccountID: author, Local: true}},
		{"follower", visibility.Viewer{AccountID: follower, Local: true, Following: follows}},
		{"mentioned", visibility.Viewer{AccountID: mentioned, Local: true}},
		{"stranger", visibility.Viewer{AccountID: stranger, Local: true}},
		{"anonymous", visibility.Viewer{}},
		// The author blocked this follower: the block wins over the follow
		// and over the mention.
		{"blocked by author", visibility.Viewer{AccountID: blocked, Local: true, Following: follows, BlockedBy: map[int64]bool{author: true}}},
		// The viewer blocked the author.
		{"blocking author", visibility.Viewer{AccountID: blocker, Local: true, Following: follows, Blocking: map[int64]bool{author: true}}},
		// Staff read nothing more than a stranger does.
		{"admin", visibility.Viewer{AccountID: admin, Local: true, Admin: true}},
		{"remote follower", visibility.Viewer{AccountID: remote, Local: false, Following: follows}},
	}
	// want[viewer] = {public, unlisted, private, direct}
	want := map[string][4]bool{
		"author":            {true, true, true, true},
		"follower":          {true, true, true, false},
		"mentioned":         {true, true, true, true},
		"stranger":          {true, true, false, false},
		"anonymous":         {true, true, false, false},
		"blocked by author": {false, false, false, false},
		"blocking author":   {false, false, false, false},
		"admin":             {true, true, false, false},
		"remote follower":   {true, true, true, false},
	}
	for _, vw := range viewers {
		for i, vis := range visibility.All {
			p := visibility.Post{AuthorID: author, Visibility: vis, Mentioned: []int64{mentioned, blocked, blocker}}
			if got := visibility.MaySee(vw.v, p); got != want[vw.name][i] {
				t.Errorf("%s viewing %s: MaySee = %v, want %v", vw.name, vis, got, want[vw.name][i])
			}
		}
	}
}

func TestMaySeeEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    visibility.Viewer
		p    visibility.Post
		want bool
	}{
		{"unknown visibility hidden from others", visibility.Viewer{AccountID: 2}, visibility.Post{AuthorID: 1, Visibility: "circle"}, false},
		{"unknown visibility shown to author", visibility.Viewer{AccountID: 1}, visibility.Post{AuthorID: 1, Visibility: "circle"}, true},
		{"anonymous is never the author of an unowned post", visibility.Viewer{}, visibility.Post{AuthorID: 0, Visibility: visibility.Direct}, false},
		{"following someone else does not open private", visibility.Viewer{AccountID: 2, Following: map[int64]bool{9: true}}, visibility.Post{AuthorID: 1, Visibility: visibility.Private}, false},
		{"follower of author, direct not mentioning", visibility.Viewer{AccountID: 2, Following: map[int64]bool{1: true}}, visibility.Post{AuthorID: 1, Visibility: visibility.Direct, Mentioned: []int64{3}}, false},
	} {
		if got := visibility.MaySee(tc.v, tc.p); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestListedAndFollowers(t *testing.T) {
	for _, tc := range []struct {
		v                 visibility.Visibility
		listed, followers bool
	}{
		{visibility.Public, true, true},
		{visibility.Unlisted, false, true},
		{visibility.Private, false, true},
		{visibility.Direct, false, false},
	} {
		if got := visibility.Listed(visibility.Post{Visibility: tc.v}); got != tc.listed {
			t.Errorf("Listed(%s) = %v", tc.v, got)
		}
		if got := visibility.ReachesFollowers(tc.v); got != tc.followers {
			t.Errorf("ReachesFollowers(%s) = %v", tc.v, got)
		}
	}
	for _, s := range []string{"public", "unlisted", "private", "direct"} {
		if _, ok := visibility.Parse(s); !ok {
			t.Errorf("Parse(%q) failed", s)
		}
	}
	for _, s := range []string{"", "Public", "limited", "followers"} {
		if _, ok := visibility.Parse(s); ok {
			t.Errorf("Parse(%q) accepted", s)
		}
	}
}
