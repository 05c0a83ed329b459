package clienttest_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/media/mediatest"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// pySession is what the login command prints.
type pySession struct {
	Token              string `json:"token"`
	ID                 string `json:"id"`
	Acct               string `json:"acct"`
	Version            string `json:"version"`
	VersionCheckWorked bool   `json:"version_check_worked"`
}

// pyNotification is one entry the notifications command prints.
type pyNotification struct {
	Type     string  `json:"type"`
	Acct     string  `json:"acct"`
	StatusID *string `json:"status_id"`
}

// TestMastodonPy drives Mastodon.py 1.8.0 through testdata/mastodon_session.py:
// create_app and the password grant (with its version check and scope
// check), posting, a reply, favourite, boost and bookmark, an image upload
// whose GPS EXIF must not be served, a follow of a locked account that
// account accepts in its own session, search_v2, notifications, and paging
// the home timeline with fetch_next.
func TestMastodonPy(t *testing.T) {
	py := webtest.MastodonPython(t)
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		srv.CreateAccount(t, "maria")
		srv.CreateAccount(t, "omar")
		client := func(out any, args ...string) {
			t.Helper()
			mastodonPy(t, py, out, append([]string{args[0], srv.URL}, args[1:]...)...)
		}

		var maria, omar pySession
		client(&maria, "login", "maria@example.org", webtest.Password)
		client(&omar, "login", "omar@example.org", webtest.Password)
		if maria.Acct != "maria" || maria.Token == "" || maria.Version != "4.3.0" || !maria.VersionCheckWorked {
			t.Fatalf("Mastodon.py session = %+v, want maria on 4.3.0 with a working version check", maria)
		}
		var locked struct{ Locked bool }
		if client(&locked, "lock", omar.Token); !locked.Locked {
			t.Fatal("account_update_credentials(locked=True) did not lock omar")
		}

		var post struct {
			ID       string
			Content  string
			Mentions []string
			Tags     []string
		}
		client(&post, "post", maria.Token, "Grand rounds on #sepsis today, @omar please join.")
		if !slices.Equal(post.Mentions, []string{"omar"}) || !slices.Equal(post.Tags, []string{"sepsis"}) || !strings.Contains(post.Content, `class="mention hashtag"`) {
			t.Errorf("status_post = %+v, want omar mentioned and #sepsis linked", post)
		}

		var acts struct {
			ReplyID         string `json:"reply_id"`
			ReplyTo         string `json:"reply_to"`
			ReplyText       string `json:"reply_text"`
			Favourited      bool
			FavouritesCount int    `json:"favourites_count"`
			ReblogOf        string `json:"reblog_of"`
			Reblogged       bool
			Bookmarked      bool
			Bookmarks       []string
		}
		client(&acts, "interact", omar.Token, post.ID)
		if acts.ReplyTo != post.ID || !strings.Contains(acts.ReplyText, "@maria") || !acts.Favourited || acts.FavouritesCount != 1 ||
			acts.ReblogOf != post.ID || !acts.Reblogged || !acts.Bookmarked || !slices.Equal(acts.Bookmarks, []string{post.ID}) {
			t.Errorf("status_reply, status_favourite, status_reblog, status_bookmark = %+v", acts)
		}

		var rel struct{ Following, Requested bool }
		if client(&rel, "follow", omar.Token, maria.ID); !rel.Following || rel.Requested {
			t.Errorf("omar follows unlocked maria: %+v, want following", rel)
		}
		if client(&rel, "follow", maria.Token, omar.ID); rel.Following || !rel.Requested {
			t.Errorf("maria follows locked omar: %+v, want requested", rel)
		}
		var accepted struct{ Accepted []string }
		if client(&accepted, "accept", omar.Token); !slices.Equal(accepted.Accepted, []string{"maria"}) {
			t.Errorf("omar's follow_requests + follow_request_authorize accepted %v, want [maria]", accepted.Accepted)
		}
		if client(&rel, "relationship", maria.Token, omar.ID); !rel.Following || rel.Requested {
			t.Errorf("maria's relationship to omar after the accept: %+v, want following", rel)
		}

		photo := filepath.Join(t.TempDir(), "film.jpg")
		if err := os.WriteFile(photo, mediatest.JPEG(t, 64, 48, 1), 0o600); err != nil {
			t.Fatal(err)
		}
		var media struct {
			StatusID   string `json:"status_id"`
			MediaID    string `json:"media_id"`
			PreviewURL string `json:"preview_url"`
			Type, URL  string
			Desc       string `json:"description"`
		}
		client(&media, "media", maria.Token, photo, "Chest film, PA view")
		if media.Type != "image" || media.Desc != "Chest film, PA view" || media.StatusID == "" || media.MediaID == "" || media.URL == "" || media.PreviewURL == "" {
			t.Errorf("media_post + status_post(media_ids=...) = %+v", media)
		}
		assertServedClean(t, media.URL)
		assertServedClean(t, media.PreviewURL)

		var found struct{ Accounts, Hashtags, Statuses []string }
		if client(&found, "search", maria.Token, "omar"); !slices.Contains(found.Accounts, "omar") {
			t.Errorf("search_v2(omar) found accounts %v", found.Accounts)
		}
		if client(&found, "search", maria.Token, "#seps"); !slices.Contains(found.Hashtags, "sepsis") {
			t.Errorf("search_v2(#seps) found hashtags %v", found.Hashtags)
		}

		var notes struct{ Notifications []pyNotification }
		client(&notes, "notifications", maria.Token)
		for _, want := range []pyNotification{
			{"mention", "omar", &acts.ReplyID},
			{"favourite", "omar", &post.ID},
			{"reblog", "omar", &post.ID},
			{"follow", "omar", nil},
		} {
			if !slices.ContainsFunc(notes.Notifications, func(n pyNotification) bool {
				return n.Type == want.Type && n.Acct == want.Acct && (n.StatusID == nil) == (want.StatusID == nil) && (n.StatusID == nil || *n.StatusID == *want.StatusID)
			}) {
				t.Errorf("maria's notifications %+v lack %s from %s", notes.Notifications, want.Type, want.Acct)
			}
		}
		client(&notes, "notifications", omar.Token)
		if !slices.ContainsFunc(notes.Notifications, func(n pyNotification) bool {
			return n.Type == "mention" && n.Acct == "maria" && n.StatusID != nil && *n.StatusID == post.ID
		}) {
			t.Errorf("omar's notifications %+v lack maria's mention", notes.Notifications)
		}

		var paged struct {
			Posted []string
			Pages  [][]string
		}
		client(&paged, "paging", maria.Token, "45")
		checkPaging(t, paged.Pages, paged.Posted, []string{media.StatusID, post.ID})
	})
}

// checkPaging checks that the pages of home (limit 20, followed with
// fetch_next) hold every status once, newest first, in full pages but
// the last: the statuses just posted, then the older ones too.
func checkPaging(t *testing.T, pages [][]string, posted, older []string) {
	t.Helper()
	var all []string
	for i, p := range pages {
		if len(p) != 20 && i != len(pages)-1 {
			t.Errorf("page %d of %d has %d statuses, want 20", i+1, len(pages), len(p))
		}
		all = append(all, p...)
	}
	seen := map[string]bool{}
	for i, id := range all {
		if seen[id] {
			t.Errorf("status %s appears twice in home", id)
		}
		seen[id] = true
		if i > 0 && !newer(all[i-1], id) {
			t.Errorf("home is out of order at %d: %s before %s", i, all[i-1], id)
		}
	}
	want := slices.Clone(posted)
	slices.Reverse(want)
	if len(all) < len(want) || !slices.Equal(all[:len(want)], want) {
		t.Errorf("home paged by fetch_next (%d pages, %d statuses) does not start with the %d statuses just posted, newest first", len(pages), len(all), len(posted))
	}
	for _, id := range older {
		if !slices.Contains(all, id) {
			t.Errorf("home paged by fetch_next lacks the older status %s", id)
		}
	}
}

// newer reports whether status ID a is newer than b (decimal IDs: longer
// is newer, then lexical order).
func newer(a, b string) bool {
	if len(a) != len(b) {
		return len(a) > len(b)
	}
	return a > b
}
