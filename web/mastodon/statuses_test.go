package mastodon_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

func TestPostAndGetStatus(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		st := post(t, alice, map[string]any{"status": "Hello, <world> & friends\nsecond line", "language": "en", "spoiler_text": "cw"})
		if st.Content != "<p>Hello, &lt;world&gt; &amp; friends<br />second line</p>" {
			t.Errorf("content = %q", st.Content)
		}
		if st.Visibility != "public" || st.Account.Username != "alice" || st.Account.Acct != "alice" ||
			st.SpoilerText != "cw" || !st.Sensitive || st.Language == nil || *st.Language != "en" {
			t.Errorf("status = %+v", st)
		}
		if want := srv.URL + "/users/alice/statuses/" + st.ID; st.URI != want {
			t.Errorf("uri = %q, want %q", st.URI, want)
		}
		if st.URL == nil || *st.URL != srv.URL+"/@alice/"+st.ID {
			t.Errorf("url = %v", st.URL)
		}
		if st.Text != nil {
			t.Errorf("text present outside delete: %q", *st.Text)
		}
		var got status
		get(t, srv, nil, "/api/v1/statuses/"+st.ID, 200, &got)
		if got.ID != st.ID || got.Content != st.Content {
			t.Errorf("GET = %+v", got)
		}
		// Trailing slash works too.
		get(t, srv, alice, "/api/v1/statuses/"+st.ID+"/", 200, &got)
	})
}

// Mentions and hashtags through the API: exact HTML, mentions[], tags[].
func TestMentionsAndTags(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := srv.CreateAccount(t, "bob")
		st := post(t, alice, map[string]any{"status": "@bob @bob@" + srv.Instance.Domain + " look at #CaseReview and @ghost"})
		mention := `<span class="h-card"><a href="` + srv.URL + `/@bob" class="u-url mention">@<span>bob</span></a></span>`
		want := "<p>" + mention + " " + mention + ` look at <a href="` + srv.URL +
			`/tags/casereview" class="mention hashtag" rel="tag">#<span>CaseReview</span></a> and @ghost</p>`
		if st.Content != want {
			t.Errorf("content\n got %s\nwant %s", st.Content, want)
		}
		if len(st.Mentions) != 1 || st.Mentions[0].ID != idStr(bob.ID) || st.Mentions[0].Acct != "bob" ||
			st.Mentions[0].Username != "bob" || st.Mentions[0].URL != srv.URL+"/@bob" {
			t.Errorf("mentions = %+v", st.Mentions)
		}
		if len(st.Tags) != 1 || st.Tags[0].Name != "casereview" || st.Tags[0].URL != srv.URL+"/tags/casereview" {
			t.Errorf("tags = %+v", st.Tags)
		}
	})
}

func TestReplyThreadContext(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		root := post(t, alice, map[string]any{"status": "root"})
		r1 := post(t, bob, map[string]any{"status": "@alice reply one", "in_reply_to_id": root.ID})
		r2 := post(t, alice, map[string]any{"status": "reply two", "in_reply_to_id": root.ID})
		r11 := post(t, alice, map[string]any{"status": "@bob deeper", "in_reply_to_id": r1.ID})
		if r1.InReplyToID == nil || *r1.InReplyToID != root.ID || r1.InReplyToAccountID == nil || *r1.InReplyToAccountID != idStr(alice.ID) {
			t.Errorf("reply = %+v", r1)
		}
		var ctx struct{ Ancestors, Descendants []status }
		get(t, srv, nil, "/api/v1/statuses/"+r11.ID+"/context", 200, &ctx)
		if fmt.Sprint(ids(ctx.Ancestors)) != fmt.Sprint([]string{root.ID, r1.ID}) || len(ctx.Descendants) != 0 {
			t.Errorf("context of r11 = %v / %v", ids(ctx.Ancestors), ids(ctx.Descendants))
		}
		get(t, srv, bob, "/api/v1/statuses/"+root.ID+"/context", 200, &ctx)
		if len(ctx.Ancestors) != 0 || fmt.Sprint(ids(ctx.Descendants)) != fmt.Sprint([]string{r1.ID, r11.ID, r2.ID}) {
			t.Errorf("context of root = %v / %v", ids(ctx.Ancestors), ids(ctx.Descendants))
		}
		var got status
		get(t, srv, nil, "/api/v1/statuses/"+root.ID, 200, &got)
		if got.RepliesCount != 2 {
			t.Errorf("replies_count = %d, want 2", got.RepliesCount)
		}
		// Replying to a missing status is 404.
		var e errorBody
		postJSON(t, alice, "/api/v1/statuses", map[string]any{"status": "x", "in_reply_to_id": "999999"}, 404, &e)
		if e.Error == "" {
			t.Error("404 without error body")
		}
	})
}

func TestStatusValidation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		for _, tc := range []struct {
			name string
			body map[string]any
			want int
			msg  string
		}{
			{"empty", map[string]any{"status": "  "}, 422, "Validation failed: Text can't be blank"},
			{"missing", map[string]any{}, 422, "Validation failed: Text can't be blank"},
			{"too long", map[string]any{"status": strings.Repeat("a", 5001)}, 422, "Validation failed: Text character limit of 5000 exceeded"},
			{"too long with spoiler", map[string]any{"status": strings.Repeat("a", 4990), "spoiler_text": strings.Repeat("b", 11)}, 422, "character limit"},
			{"bad visibility", map[string]any{"status": "x", "visibility": "friends"}, 422, "Validation failed: Visibility"},
			{"bad boolean", map[string]any{"status": "x", "sensitive": "perhaps"}, 422, "Validation failed: sensitive is not a boolean"},
			{"bad reply id", map[string]any{"status": "x", "in_reply_to_id": "abc"}, 422, "Validation failed"},
			{"bad language", map[string]any{"status": "x", "language": "English!"}, 422, "Validation failed: Language"},
			{"media not yet", map[string]any{"status": "x", "media_ids": []string{"1"}}, 422, "Validation failed: media_ids"},
		} {
			var e errorBody
			postJSON(t, alice, "/api/v1/statuses", tc.body, tc.want, &e)
			if !strings.Contains(e.Error, tc.msg) {
				t.Errorf("%s: error %q, want it to contain %q", tc.name, e.Error, tc.msg)
			}
		}
		// Exactly at the limit is fine; a link counts 23.
		post(t, alice, map[string]any{"status": strings.Repeat("a", 5000)})
		post(t, alice, map[string]any{"status": strings.Repeat("a", 4976) + " https://example.org/" + strings.Repeat("p", 100)})
		// Nothing invalid was stored.
		var list []status
		get(t, srv, alice, "/api/v1/accounts/"+idStr(alice.ID)+"/statuses", 200, &list)
		if len(list) != 2 {
			t.Errorf("stored %d statuses, want 2", len(list))
		}
		// Unreadable JSON is 400 with an error body.
		res := do(t, srv, alice, "POST", "/api/v1/statuses", "application/json", strings.NewReader(`{"status":`))
		var e errorBody
		decode(t, res, 400, &e)
		if e.Error == "" {
			t.Error("400 without error")
		}
	})
}

func TestStatusEncodings(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		var st status
		postForm(t, alice, "/api/v1/statuses", url.Values{"status": {"form post"}, "visibility": {"unlisted"}, "sensitive": {"1"}, "media_ids[]": {}}, 200, &st)
		if st.Content != "<p>form post</p>" || st.Visibility != "unlisted" || !st.Sensitive {
			t.Errorf("form: %+v", st)
		}
		postMultipart(t, alice, "/api/v1/statuses", [][2]string{{"status", "multipart post"}, {"visibility", "private"}, {"sensitive", "False"}, {"language", "None"}}, 200, &st)
		if st.Content != "<p>multipart post</p>" || st.Visibility != "private" || st.Sensitive || st.Language != nil {
			t.Errorf("multipart: %+v", st)
		}
		postJSON(t, alice, "/api/v1/statuses", map[string]any{"status": "json post", "visibility": "direct", "sensitive": true, "media_ids": []string{}, "in_reply_to_id": nil}, 200, &st)
		if st.Content != "<p>json post</p>" || st.Visibility != "direct" || !st.Sensitive {
			t.Errorf("json: %+v", st)
		}
	})
}

func TestDefaultVisibilityFromPreferences(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		lang := "de"
		if err := s.SetPreferences(t.Context(), &storage.Preferences{AccountID: alice.ID, DefaultVisibility: "private", DefaultSensitive: true, DefaultLanguage: &lang, ExpandMedia: "default"}); err != nil {
			t.Fatal(err)
		}
		st := post(t, alice, map[string]any{"status": "x"})
		if st.Visibility != "private" || !st.Sensitive || st.Language == nil || *st.Language != "de" {
			t.Errorf("defaults not applied: %+v", st)
		}
		var prefs map[string]any
		get(t, srv, alice, "/api/v1/preferences", 200, &prefs)
		if prefs["posting:default:visibility"] != "private" || prefs["posting:default:sensitive"] != true ||
			prefs["posting:default:language"] != "de" || prefs["reading:expand:media"] != "default" || prefs["reading:expand:spoilers"] != false {
			t.Errorf("preferences = %v", prefs)
		}
		var me struct {
			Source struct {
				Privacy   string `json:"privacy"`
				Sensitive bool   `json:"sensitive"`
			} `json:"source"`
		}
		get(t, srv, alice, "/api/v1/accounts/verify_credentials", 200, &me)
		if me.Source.Privacy != "private" || !me.Source.Sensitive {
			t.Errorf("source = %+v", me.Source)
		}
	})
}

func TestDeleteStatus(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		var rel map[string]any
		postJSON(t, bob, "/api/v1/accounts/"+idStr(alice.ID)+"/follow", nil, 200, &rel)
		st := post(t, alice, map[string]any{"status": "oops #typo"})
		var home []status
		get(t, srv, bob, "/api/v1/timelines/home", 200, &home)
		if len(home) != 1 {
			t.Fatalf("bob's home = %v", ids(home))
		}
		// Someone else cannot delete it, and learns nothing.
		var e errorBody
		decode(t, do(t, srv, bob, "DELETE", "/api/v1/statuses/"+st.ID, "", nil), 404, &e)
		var del status
		decode(t, do(t, srv, alice, "DELETE", "/api/v1/statuses/"+st.ID, "", nil), 200, &del)
		if del.ID != st.ID || del.Text == nil || *del.Text != "oops #typo" || del.Content != st.Content {
			t.Errorf("deleted = %+v", del)
		}
		get(t, srv, alice, "/api/v1/statuses/"+st.ID, 404, &e)
		get(t, srv, bob, "/api/v1/timelines/home", 200, &home)
		if len(home) != 0 {
			t.Errorf("deleted status still in home: %v", ids(home))
		}
		decode(t, do(t, srv, alice, "DELETE", "/api/v1/statuses/"+st.ID, "", nil), 404, &e)
		// The text is gone from the database too.
		id, _ := parseInt(st.ID)
		var text string
		if err := s.DB().QueryRow("SELECT text || content FROM statuses WHERE id = " + fmt.Sprint(id)).Scan(&text); err != nil || text != "" {
			t.Errorf("deleted text kept: %q %v", text, err)
		}
	})
}

func parseInt(s string) (int64, error) {
	var n int64
	err := json.Unmarshal([]byte(s), &n)
	return n, err
}

func TestIdempotencyKey(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		var a1, a2, a3, b1 status
		postJSON(t, alice, "/api/v1/statuses", map[string]any{"status": "once"}, 200, &a1, "Idempotency-Key", "k1")
		postJSON(t, alice, "/api/v1/statuses", map[string]any{"status": "once"}, 200, &a2, "Idempotency-Key", "k1")
		postJSON(t, alice, "/api/v1/statuses", map[string]any{"status": "once"}, 200, &a3, "Idempotency-Key", "k2")
		postJSON(t, bob, "/api/v1/statuses", map[string]any{"status": "once"}, 200, &b1, "Idempotency-Key", "k1")
		if a1.ID != a2.ID {
			t.Errorf("same key made two statuses: %s, %s", a1.ID, a2.ID)
		}
		if a3.ID == a1.ID || b1.ID == a1.ID {
			t.Errorf("different key or account reused a status")
		}
		// The key lives in the database: a second server process on the
		// same database honours it.
		srv2 := webtest.Start(t, s)
		alice2 := &user{Account: alice.Account, srv: srv2, token: alice.token}
		var again status
		postJSON(t, alice2, "/api/v1/statuses", map[string]any{"status": "once"}, 200, &again, "Idempotency-Key", "k1")
		if again.ID != a1.ID {
			t.Errorf("second process made a new status %s", again.ID)
		}
		// Older than an hour: a new status.
		backdate(t, s, "idempotency_keys")
		postJSON(t, alice, "/api/v1/statuses", map[string]any{"status": "once"}, 200, &again, "Idempotency-Key", "k1")
		if again.ID == a1.ID {
			t.Errorf("expired key still returned the first status")
		}
		// The new status took the key over.
		var last status
		postJSON(t, alice, "/api/v1/statuses", map[string]any{"status": "once"}, 200, &last, "Idempotency-Key", "k1")
		if last.ID != again.ID {
			t.Errorf("the renewed key made another status %s, want %s", last.ID, again.ID)
		}
	})
}

// backdate sets every row's created_at in table to the year 2000.
func backdate(t *testing.T, s *storage.Store, table string) {
	t.Helper()
	if _, err := s.DB().Exec("UPDATE "+table+" SET created_at = ?", "2000-01-01 00:00:00+00:00"); err != nil {
		if _, err := s.DB().Exec("UPDATE " + table + " SET created_at = '2000-01-01 00:00:00+00'"); err != nil {
			t.Fatal(err)
		}
	}
}

var (
	datetimeRe = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
	dateRe     = regexp.MustCompile(`^\d{4}-\d\d-\d\d$`)
)

// Every datetime has exactly three fractional digits and a Z; every id is
// a decimal string; newer is greater; always-present keys are present.
func TestWireFormat(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		var rel map[string]any
		postJSON(t, bob, "/api/v1/accounts/"+idStr(alice.ID)+"/follow", nil, 200, &rel)
		first := post(t, alice, map[string]any{"status": "one @bob"})
		second := post(t, alice, map[string]any{"status": "two"})
		if len(second.ID) < len(first.ID) || (len(second.ID) == len(first.ID) && second.ID <= first.ID) {
			t.Errorf("newer id %s not greater than %s", second.ID, first.ID)
		}
		var raw []map[string]any
		get(t, srv, bob, "/api/v1/timelines/home", 200, &raw)
		if len(raw) != 2 {
			t.Fatalf("home has %d", len(raw))
		}
		for _, key := range []string{"id", "uri", "url", "created_at", "edited_at", "account", "content", "visibility",
			"sensitive", "spoiler_text", "media_attachments", "mentions", "tags", "emojis", "reblogs_count",
			"favourites_count", "replies_count", "in_reply_to_id", "in_reply_to_account_id", "reblog", "poll", "card",
			"language", "favourited", "reblogged", "muted", "bookmarked", "filtered"} {
			if _, ok := raw[0][key]; !ok {
				t.Errorf("status lacks %q", key)
			}
		}
		if _, ok := raw[0]["scheduled_at"]; ok {
			t.Error("a status must not carry scheduled_at")
		}
		acct := raw[0]["account"].(map[string]any)
		for _, key := range []string{"id", "username", "acct", "url", "uri", "display_name", "note", "avatar", "avatar_static",
			"header", "header_static", "locked", "bot", "group", "discoverable", "indexable", "hide_collections", "noindex",
			"created_at", "last_status_at", "statuses_count", "followers_count", "following_count", "emojis", "fields", "roles"} {
			if _, ok := acct[key]; !ok {
				t.Errorf("account lacks %q", key)
			}
		}
		if acct["statuses_count"] != float64(2) || acct["followers_count"] != float64(1) || acct["following_count"] != float64(0) {
			t.Errorf("counts = %v %v %v", acct["statuses_count"], acct["followers_count"], acct["following_count"])
		}
		if !dateRe.MatchString(fmt.Sprint(acct["last_status_at"])) {
			t.Errorf("last_status_at = %v", acct["last_status_at"])
		}
		var notes []map[string]any
		get(t, srv, bob, "/api/v1/notifications", 200, &notes)
		var me map[string]any
		get(t, srv, alice, "/api/v1/accounts/verify_credentials", 200, &me)
		checkWire(t, "", map[string]any{"home": raw, "notifications": notes, "me": me})
		// The default images are served.
		res := do(t, srv, nil, "GET", "/avatars/original/missing.png", "", nil)
		res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" || acct["avatar"] != srv.URL+"/avatars/original/missing.png" {
			t.Errorf("avatar %v: %d %s", acct["avatar"], res.StatusCode, res.Header.Get("Content-Type"))
		}
		res = do(t, srv, nil, "GET", "/headers/original/missing.png", "", nil)
		res.Body.Close()
		if res.StatusCode != 200 || acct["header"] != srv.URL+"/headers/original/missing.png" {
			t.Errorf("header %v: %d", acct["header"], res.StatusCode)
		}
	})
}

// checkWire walks decoded JSON: every key ending in _at is a datetime
// (last_status_at a date) or null; every id-like key is a decimal string.
func checkWire(t *testing.T, path string, v any) {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			p := path + "." + k
			switch {
			case k == "last_status_at":
				if val != nil && !dateRe.MatchString(fmt.Sprint(val)) {
					t.Errorf("%s = %v", p, val)
				}
			case strings.HasSuffix(k, "_at"):
				if s, ok := val.(string); val != nil && (!ok || !datetimeRe.MatchString(s)) {
					t.Errorf("%s = %v, not a Mastodon datetime", p, val)
				}
			case k == "id" || strings.HasSuffix(k, "_id"):
				if s, ok := val.(string); val != nil && (!ok || !regexp.MustCompile(`^-?\d+$`).MatchString(s)) {
					t.Errorf("%s = %#v, not a string id", p, val)
				}
			}
			checkWire(t, p, val)
		}
	case []any:
		for i, val := range x {
			checkWire(t, fmt.Sprintf("%s[%d]", path, i), val)
		}
	case []map[string]any:
		for i, val := range x {
			checkWire(t, fmt.Sprintf("%s[%d]", path, i), val)
		}
	}
}
