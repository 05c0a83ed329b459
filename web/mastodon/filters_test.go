package mastodon_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// filterV2 is the Filter entity as the tests read it.
type filterV2 struct {
	ID           string   `json:"id"`
	Title        string   `json:"title"`
	Context      []string `json:"context"`
	ExpiresAt    *string  `json:"expires_at"`
	FilterAction string   `json:"filter_action"`
	Keywords     []struct {
		ID        string `json:"id"`
		Keyword   string `json:"keyword"`
		WholeWord bool   `json:"whole_word"`
	} `json:"keywords"`
	Statuses []struct {
		ID       string `json:"id"`
		StatusID string `json:"status_id"`
	} `json:"statuses"`
}

// filterV1 is the V1::Filter entity.
type filterV1 struct {
	ID           string   `json:"id"`
	Phrase       string   `json:"phrase"`
	Context      []string `json:"context"`
	ExpiresAt    *string  `json:"expires_at"`
	Irreversible bool     `json:"irreversible"`
	WholeWord    bool     `json:"whole_word"`
}

func (f filterV2) keywords() string {
	var out []string
	for _, k := range f.Keywords {
		w := ""
		if k.WholeWord {
			w = "+w"
		}
		out = append(out, k.Keyword+w)
	}
	return strings.Join(out, ",")
}

func TestFiltersV2(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		reader := signIn(t, srv, "reader", "read")

		var f filterV2
		postJSON(t, alice, "/api/v2/filters", map[string]any{
			"title": "Spoilers", "context": []string{"home", "public"}, "filter_action": "hide", "expires_in": 3600,
			"keywords_attributes": []map[string]any{{"keyword": "finale", "whole_word": false}, {"keyword": "ending"}},
		}, 200, &f)
		if f.ID == "" || f.Title != "Spoilers" || !slices.Equal(f.Context, []string{"home", "public"}) || f.FilterAction != "hide" ||
			f.keywords() != "finale,ending+w" || f.Statuses == nil || len(f.Statuses) != 0 || f.ExpiresAt == nil {
			t.Fatalf("created %+v", f)
		}
		if at, err := time.Parse("2006-01-02T15:04:05.000Z", *f.ExpiresAt); err != nil || time.Until(at) < 59*time.Minute || time.Until(at) > 61*time.Minute {
			t.Errorf("expires_at = %s (%v)", *f.ExpiresAt, err)
		}

		// A form, Rails-style: a repeated field starts the next keyword.
		var g filterV2
		form := "title=Work&context[]=notifications&keywords_attributes[][keyword]=shift&keywords_attributes[][whole_word]=false" +
			"&keywords_attributes[][keyword]=call&keywords_attributes[][whole_word]=true"
		decode(t, do(t, srv, alice, "POST", "/api/v2/filters", "application/x-www-form-urlencoded", strings.NewReader(form)), 200, &g)
		if g.FilterAction != "warn" || g.ExpiresAt != nil || g.keywords() != "shift,call+w" {
			t.Fatalf("form-created %+v", g)
		}

		var all []filterV2
		get(t, srv, alice, "/api/v2/filters", 200, &all)
		if len(all) != 2 || all[0].ID != f.ID || all[1].ID != g.ID || all[1].keywords() != "shift,call+w" {
			t.Fatalf("list = %+v", all)
		}
		var one filterV2
		get(t, srv, alice, "/api/v2/filters/"+f.ID, 200, &one)
		if one.Title != "Spoilers" || one.keywords() != f.keywords() {
			t.Errorf("get = %+v", one)
		}

		// Update: rename, change a keyword, drop one, add one, and clear
		// the expiry with a JSON null (as Phanpy sends it).
		sendJSON(t, alice, "PUT", "/api/v2/filters/"+f.ID, map[string]any{
			"title": "TV", "context": []string{"thread"}, "filter_action": "warn", "expires_in": nil,
			"keywords_attributes": []map[string]any{
				{"id": f.Keywords[0].ID, "keyword": "Finale", "whole_word": true},
				{"id": f.Keywords[1].ID, "_destroy": true},
				{"keyword": "cliffhanger", "whole_word": "0"},
			},
		}, 200, &one)
		if one.Title != "TV" || !slices.Equal(one.Context, []string{"thread"}) || one.FilterAction != "warn" ||
			one.ExpiresAt != nil || one.keywords() != "Finale+w,cliffhanger" || one.Keywords[0].ID != f.Keywords[0].ID {
			t.Fatalf("updated %+v", one)
		}
		// Absent fields stay; an indexed form works too.
		sendForm(t, alice, "PUT", "/api/v2/filters/"+f.ID, url.Values{
			"expires_in": {"600"}, "keywords_attributes[0][keyword]": {"recap"},
		}, 200, &one)
		if one.Title != "TV" || one.ExpiresAt == nil || one.keywords() != "Finale+w,cliffhanger,recap+w" {
			t.Fatalf("form-updated %+v", one)
		}

		// Bad input: 422 and nothing stored.
		for _, body := range []map[string]any{
			{"context": []string{"home"}},
			{"title": "x"},
			{"title": "x", "context": []string{"home", "everywhere"}},
			{"title": "x", "context": []string{"home"}, "filter_action": "blur"},
			{"title": "x", "context": []string{"home"}, "expires_in": "soon"},
			{"title": "x", "context": []string{"home"}, "keywords_attributes": []map[string]any{{"keyword": " ", "whole_word": true}}},
		} {
			wantError(t, srv, alice, "POST", "/api/v2/filters", body, 422)
		}
		wantError(t, srv, alice, "PUT", "/api/v2/filters/"+f.ID, map[string]any{"title": " "}, 422)
		wantError(t, srv, alice, "PUT", "/api/v2/filters/"+f.ID, map[string]any{"keywords_attributes": []map[string]any{{"id": g.Keywords[0].ID, "keyword": "steal"}}}, 404)
		get(t, srv, alice, "/api/v2/filters", 200, &all)
		if len(all) != 2 || all[0].Title != "TV" || all[0].keywords() != "Finale+w,cliffhanger,recap+w" || all[1].keywords() != "shift,call+w" {
			t.Fatalf("after bad input: %+v", all)
		}

		// Another's filter does not exist; scopes and tokens.
		for _, m := range []string{"GET", "PUT", "DELETE"} {
			wantError(t, srv, bob, m, "/api/v2/filters/"+f.ID, map[string]any{"title": "mine"}, 404)
		}
		wantError(t, srv, bob, "GET", "/api/v2/filters/"+f.ID+"/keywords", nil, 404)
		wantError(t, srv, bob, "GET", "/api/v2/filters/keywords/"+f.Keywords[0].ID, nil, 404)
		wantError(t, srv, nil, "GET", "/api/v2/filters", nil, 401)
		wantError(t, srv, reader, "POST", "/api/v2/filters", map[string]any{"title": "x", "context": []string{"home"}}, 403)
		get(t, srv, bob, "/api/v2/filters", 200, &all)
		if len(all) != 0 {
			t.Errorf("bob sees %+v", all)
		}

		var empty map[string]any
		sendJSON(t, alice, "DELETE", "/api/v2/filters/"+g.ID, nil, 200, &empty)
		wantError(t, srv, alice, "GET", "/api/v2/filters/"+g.ID, nil, 404)
		wantError(t, srv, alice, "GET", "/api/v2/filters/keywords/"+g.Keywords[0].ID, nil, 404)
	})
}

func TestFilterKeywordsAndStatuses(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		var f filterV2
		postJSON(t, alice, "/api/v2/filters", map[string]any{"title": "f", "context": []string{"home"}}, 200, &f)
		base := "/api/v2/filters/" + f.ID

		type keyword struct {
			ID        string `json:"id"`
			Keyword   string `json:"keyword"`
			WholeWord bool   `json:"whole_word"`
		}
		var k, k2 keyword
		postJSON(t, alice, base+"/keywords", map[string]any{"keyword": "alpha", "whole_word": false}, 200, &k)
		postForm(t, alice, base+"/keywords", url.Values{"keyword": {"beta"}}, 200, &k2)
		if k.Keyword != "alpha" || k.WholeWord || k2.Keyword != "beta" || !k2.WholeWord {
			t.Fatalf("added %+v %+v", k, k2)
		}
		wantError(t, srv, alice, "POST", base+"/keywords", map[string]any{"keyword": ""}, 422)
		wantError(t, srv, alice, "POST", base+"/keywords", map[string]any{"whole_word": true}, 422)
		wantError(t, srv, bob, "POST", base+"/keywords", map[string]any{"keyword": "x"}, 404)
		var kws []keyword
		get(t, srv, alice, base+"/keywords", 200, &kws)
		if len(kws) != 2 || kws[0] != k || kws[1] != k2 {
			t.Fatalf("keywords = %+v", kws)
		}
		var got keyword
		get(t, srv, alice, "/api/v2/filters/keywords/"+k.ID, 200, &got)
		if got != k {
			t.Errorf("get = %+v", got)
		}
		sendJSON(t, alice, "PUT", "/api/v2/filters/keywords/"+k.ID, map[string]any{"whole_word": true}, 200, &got)
		if got.Keyword != "alpha" || !got.WholeWord {
			t.Errorf("updated %+v", got)
		}
		wantError(t, srv, alice, "PUT", "/api/v2/filters/keywords/"+k.ID, map[string]any{"keyword": " "}, 422)
		wantError(t, srv, bob, "PUT", "/api/v2/filters/keywords/"+k.ID, map[string]any{"keyword": "x"}, 404)
		wantError(t, srv, bob, "DELETE", "/api/v2/filters/keywords/"+k.ID, nil, 404)
		sendJSON(t, alice, "DELETE", "/api/v2/filters/keywords/"+k2.ID, nil, 200, nil)
		get(t, srv, alice, base+"/keywords", 200, &kws)
		if len(kws) != 1 || kws[0].ID != k.ID {
			t.Errorf("after delete %+v", kws)
		}

		// Statuses: only ones alice may see, each once.
		mine := post(t, alice, map[string]any{"status": "mine"})
		bobs := post(t, bob, map[string]any{"status": "bob's secret", "visibility": "private"})
		type fstatus struct {
			ID       string `json:"id"`
			StatusID string `json:"status_id"`
		}
		var fs fstatus
		postJSON(t, alice, base+"/statuses", map[string]any{"status_id": mine.ID}, 200, &fs)
		if fs.ID == "" || fs.StatusID != mine.ID {
			t.Fatalf("added %+v", fs)
		}
		wantError(t, srv, alice, "POST", base+"/statuses", map[string]any{"status_id": mine.ID}, 422)
		wantError(t, srv, alice, "POST", base+"/statuses", map[string]any{"status_id": bobs.ID}, 422)
		wantError(t, srv, alice, "POST", base+"/statuses", map[string]any{"status_id": "999"}, 422)
		wantError(t, srv, alice, "POST", base+"/statuses", map[string]any{}, 422)
		wantError(t, srv, bob, "POST", base+"/statuses", map[string]any{"status_id": bobs.ID}, 404)
		var list []fstatus
		get(t, srv, alice, base+"/statuses", 200, &list)
		if len(list) != 1 || list[0] != fs {
			t.Fatalf("statuses = %+v", list)
		}
		var one fstatus
		get(t, srv, alice, "/api/v2/filters/statuses/"+fs.ID, 200, &one)
		wantError(t, srv, bob, "GET", "/api/v2/filters/statuses/"+fs.ID, nil, 404)
		wantError(t, srv, bob, "DELETE", "/api/v2/filters/statuses/"+fs.ID, nil, 404)
		sendJSON(t, alice, "DELETE", "/api/v2/filters/statuses/"+fs.ID, nil, 200, nil)
		wantError(t, srv, alice, "GET", "/api/v2/filters/statuses/"+fs.ID, nil, 404)
	})
}

func TestFiltersV1(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")

		var v filterV1
		postForm(t, alice, "/api/v1/filters", url.Values{
			"phrase": {"rumour"}, "context[]": {"home", "thread"}, "irreversible": {"true"}, "whole_word": {"false"}, "expires_in": {"86400"},
		}, 200, &v)
		if v.ID == "" || v.Phrase != "rumour" || !slices.Equal(v.Context, []string{"home", "thread"}) || !v.Irreversible || v.WholeWord || v.ExpiresAt == nil {
			t.Fatalf("created %+v", v)
		}
		// The v2 view of the same filter: titled with the phrase, hide.
		var v2 []filterV2
		get(t, srv, alice, "/api/v2/filters", 200, &v2)
		if len(v2) != 1 || v2[0].Title != "rumour" || v2[0].FilterAction != "hide" || v2[0].keywords() != "rumour" ||
			v2[0].Keywords[0].ID != v.ID || *v2[0].ExpiresAt != *v.ExpiresAt {
			t.Fatalf("v2 view %+v", v2)
		}
		// A v2 filter with two keywords is two v1 filters.
		var multi filterV2
		postJSON(t, alice, "/api/v2/filters", map[string]any{"title": "pair", "context": []string{"public"},
			"keywords_attributes": []map[string]any{{"keyword": "one"}, {"keyword": "two", "whole_word": false}}}, 200, &multi)
		var v1s []filterV1
		get(t, srv, alice, "/api/v1/filters", 200, &v1s)
		if len(v1s) != 3 || v1s[0].ID != v.ID || v1s[1].Phrase != "one" || !v1s[1].WholeWord || v1s[2].Phrase != "two" ||
			v1s[2].WholeWord || v1s[2].Irreversible || !slices.Equal(v1s[2].Context, []string{"public"}) || v1s[2].ID != multi.Keywords[1].ID {
			t.Fatalf("v1 list %+v", v1s)
		}
		var got filterV1
		get(t, srv, alice, "/api/v1/filters/"+v1s[2].ID, 200, &got)
		if fmt.Sprint(got) != fmt.Sprint(v1s[2]) {
			t.Errorf("v1 get = %+v, want %+v", got, v1s[2])
		}

		// Updating through v1 changes both views alike.
		sendJSON(t, alice, "PUT", "/api/v1/filters/"+v.ID, map[string]any{"phrase": "gossip", "context": []string{"public"}, "irreversible": false, "whole_word": true}, 200, &got)
		if got.Phrase != "gossip" || got.Irreversible || !got.WholeWord || !slices.Equal(got.Context, []string{"public"}) {
			t.Errorf("v1 updated %+v", got)
		}
		var one filterV2
		get(t, srv, alice, "/api/v2/filters/"+v2[0].ID, 200, &one)
		if one.Title != "gossip" || one.FilterAction != "warn" || one.keywords() != "gossip+w" || !slices.Equal(one.Context, []string{"public"}) {
			t.Errorf("v2 after v1 update %+v", one)
		}
		// The keyword alone may change in a many-keyword filter; the
		// filter may not (that would change the other keyword too).
		sendJSON(t, alice, "PUT", "/api/v1/filters/"+v1s[2].ID, map[string]any{"whole_word": true}, 200, &got)
		if got.Phrase != "two" || !got.WholeWord {
			t.Errorf("keyword-only update %+v", got)
		}
		wantError(t, srv, alice, "PUT", "/api/v1/filters/"+v1s[2].ID, map[string]any{"context": []string{"home"}}, 422)
		wantError(t, srv, alice, "PUT", "/api/v1/filters/"+v1s[2].ID, map[string]any{"phrase": "three"}, 422)
		get(t, srv, alice, "/api/v2/filters/"+multi.ID, 200, &one)
		if one.Title != "pair" || one.keywords() != "one+w,two+w" || !slices.Equal(one.Context, []string{"public"}) {
			t.Errorf("multi after refused update %+v", one)
		}

		for _, body := range []map[string]any{{"context": []string{"home"}}, {"phrase": "x"}, {"phrase": "x", "context": []string{"nowhere"}}, {"phrase": "x", "context": []string{"home"}, "irreversible": "perhaps"}} {
			wantError(t, srv, alice, "POST", "/api/v1/filters", body, 422)
		}
		wantError(t, srv, bob, "GET", "/api/v1/filters/"+v.ID, nil, 404)
		wantError(t, srv, bob, "PUT", "/api/v1/filters/"+v.ID, map[string]any{"phrase": "x"}, 404)
		wantError(t, srv, bob, "DELETE", "/api/v1/filters/"+v.ID, nil, 404)
		wantError(t, srv, nil, "GET", "/api/v1/filters", nil, 401)

		// Deleting a v1 filter deletes the keyword; the filter stays.
		sendJSON(t, alice, "DELETE", "/api/v1/filters/"+v1s[1].ID, nil, 200, nil)
		get(t, srv, alice, "/api/v2/filters/"+multi.ID, 200, &one)
		if one.keywords() != "two+w" {
			t.Errorf("after v1 delete %+v", one)
		}
		get(t, srv, alice, "/api/v1/filters", 200, &v1s)
		if len(v1s) != 2 {
			t.Errorf("v1 after delete %+v", v1s)
		}
	})
}

// filteredStatus is a Status with its filtered results.
type filteredStatus struct {
	ID       string `json:"id"`
	Filtered *[]struct {
		Filter struct {
			ID           string   `json:"id"`
			FilterAction string   `json:"filter_action"`
			Context      []string `json:"context"`
			Keywords     any      `json:"keywords"`
		} `json:"filter"`
		KeywordMatches []string `json:"keyword_matches"`
		StatusMatches  []string `json:"status_matches"`
	} `json:"filtered"`
}

func TestFiltersApplyToTimelines(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob") // follows alice, has the filters
		follows(t, bob, alice)
		var hideHome, warn, hidePublic filterV2
		postJSON(t, bob, "/api/v2/filters", map[string]any{"title": "h", "context": []string{"home"}, "filter_action": "hide",
			"keywords_attributes": []map[string]any{{"keyword": "Secret"}}}, 200, &hideHome)
		postJSON(t, bob, "/api/v2/filters", map[string]any{"title": "w", "context": []string{"home", "public"}, "filter_action": "warn",
			"keywords_attributes": []map[string]any{{"keyword": "gore", "whole_word": false}}}, 200, &warn)
		var v1 filterV1
		postJSON(t, bob, "/api/v1/filters", map[string]any{"phrase": "spam", "context": []string{"public"}, "irreversible": true}, 200, &v1)
		var all []filterV2
		get(t, srv, bob, "/api/v2/filters", 200, &all)
		hidePublic = all[2]

		secret := post(t, alice, map[string]any{"status": "the SECRET plan"})
		notSecret := post(t, alice, map[string]any{"status": "secretary meeting"})
		gory := post(t, alice, map[string]any{"status": "a note", "spoiler_text": "Gore warning"})
		spam := post(t, alice, map[string]any{"status": "buy spam now"})
		plain := post(t, alice, map[string]any{"status": "nothing to see"})
		expiring := post(t, alice, map[string]any{"status": "temporary"})
		var tmp filterV2
		postJSON(t, bob, "/api/v2/filters", map[string]any{"title": "tmp", "context": []string{"home"}, "filter_action": "hide", "expires_in": 3600,
			"keywords_attributes": []map[string]any{{"keyword": "temporary"}}}, 200, &tmp)

		read := func(u *user, path string) map[string]filteredStatus {
			var sts []filteredStatus
			get(t, srv, u, path, 200, &sts)
			out := map[string]filteredStatus{}
			for _, st := range sts {
				out[st.ID] = st
			}
			return out
		}
		home := read(bob, "/api/v1/timelines/home")
		public := read(bob, "/api/v1/timelines/public")
		if _, ok := home[secret.ID]; ok {
			t.Error("hide filter (home): the status is in home")
		}
		if _, ok := home[expiring.ID]; ok {
			t.Error("hide filter with an expiry ahead: the status is in home")
		}
		st, ok := public[secret.ID]
		if !ok || st.Filtered == nil || len(*st.Filtered) != 1 || (*st.Filtered)[0].Filter.ID != hideHome.ID || (*st.Filtered)[0].Filter.FilterAction != "hide" {
			t.Errorf("hide filter (home) in public: %+v", st)
		}
		if st := home[notSecret.ID]; st.Filtered == nil || len(*st.Filtered) != 0 {
			t.Errorf("whole word: %+v", st)
		}
		for name, tl := range map[string]map[string]filteredStatus{"home": home, "public": public} {
			st, ok := tl[gory.ID]
			if !ok || st.Filtered == nil || len(*st.Filtered) != 1 {
				t.Fatalf("warn in %s: %+v", name, st)
			}
			r := (*st.Filtered)[0]
			if r.Filter.ID != warn.ID || r.Filter.FilterAction != "warn" || !slices.Equal(r.KeywordMatches, []string{"gore"}) ||
				r.StatusMatches != nil || r.Filter.Keywords != nil || !slices.Equal(r.Filter.Context, []string{"home", "public"}) {
				t.Errorf("warn in %s: %+v", name, r)
			}
			if st := tl[plain.ID]; st.Filtered == nil || len(*st.Filtered) != 0 {
				t.Errorf("plain in %s: %+v", name, st)
			}
		}
		if _, ok := public[spam.ID]; ok {
			t.Error("v1 irreversible (public): the status is in public")
		}
		if _, ok := home[spam.ID]; !ok {
			t.Error("v1 irreversible (public) hid a home status")
		}
		if hidePublic.Title != "spam" || hidePublic.FilterAction != "hide" {
			t.Errorf("v1 filter seen through v2: %+v", hidePublic)
		}

		// Others are not filtered by bob's filters; anonymous readers get
		// no filtered key at all.
		if _, ok := read(alice, "/api/v1/timelines/home")[secret.ID]; !ok {
			t.Error("bob's filter hid alice's home")
		}
		if st := read(nil, "/api/v1/timelines/public")[gory.ID]; st.Filtered != nil {
			t.Errorf("anonymous filtered = %+v", st.Filtered)
		}

		// A status filter matches by ID; an expired filter is ignored.
		postJSON(t, bob, "/api/v2/filters/"+warn.ID+"/statuses", map[string]any{"status_id": plain.ID}, 200, nil)
		var one filteredStatus
		get(t, srv, bob, "/api/v1/statuses/"+plain.ID, 200, &one)
		if one.Filtered == nil || len(*one.Filtered) != 1 || !slices.Equal((*one.Filtered)[0].StatusMatches, []string{plain.ID}) || (*one.Filtered)[0].KeywordMatches != nil {
			t.Errorf("status filter: %+v", one.Filtered)
		}
		past := time.Now().Add(-time.Minute).UTC().Format("2006-01-02 15:04:05.000000-07:00")
		if _, err := s.DB().Exec(fmt.Sprintf("UPDATE filters SET expires_at = '%s' WHERE id = %d", past, parseID(t, tmp.ID))); err != nil {
			t.Fatal(err)
		}
		if _, ok := read(bob, "/api/v1/timelines/home")[expiring.ID]; !ok {
			t.Error("an expired hide filter still hides")
		}

		// A boost is filtered by what it boosts. (The boosted statuses are
		// dave's, whom bob does not follow: a boost of a status bob's home
		// holds already would not be added to it.)
		carol := signIn(t, srv, "carol")
		dave := signIn(t, srv, "dave")
		follows(t, bob, carol)
		daveSecret := post(t, dave, map[string]any{"status": "the SECRET plan"})
		daveGory := post(t, dave, map[string]any{"status": "a note", "spoiler_text": "Gore warning"})
		var boostSecret, boostGory filteredStatus
		postJSON(t, carol, "/api/v1/statuses/"+daveSecret.ID+"/reblog", nil, 200, &boostSecret)
		postJSON(t, carol, "/api/v1/statuses/"+daveGory.ID+"/reblog", nil, 200, &boostGory)
		home = read(bob, "/api/v1/timelines/home")
		if _, ok := home[boostSecret.ID]; ok {
			t.Error("a boost of a hidden status is in home")
		}
		if st, ok := home[boostGory.ID]; !ok || st.Filtered == nil || len(*st.Filtered) != 1 || (*st.Filtered)[0].Filter.ID != warn.ID {
			t.Errorf("boost of a warned status: %+v", st)
		}

		// Hide filters for notifications, threads and profiles.
		postJSON(t, bob, "/api/v2/filters", map[string]any{"title": "c", "context": []string{"notifications", "thread", "account"},
			"filter_action": "hide", "keywords_attributes": []map[string]any{{"keyword": "confidential"}}}, 200, nil)
		memo := post(t, alice, map[string]any{"status": "@bob confidential memo"})
		hello := post(t, alice, map[string]any{"status": "@bob hello", "in_reply_to_id": memo.ID})
		reply := post(t, alice, map[string]any{"status": "a confidential reply", "in_reply_to_id": hello.ID})
		var notes []struct {
			Type   string
			Status *struct{ ID string }
		}
		get(t, srv, bob, "/api/v1/notifications", 200, &notes)
		var mentioned []string
		for _, n := range notes {
			if n.Type == "mention" && n.Status != nil {
				mentioned = append(mentioned, n.Status.ID)
			}
		}
		if !slices.Equal(mentioned, []string{hello.ID}) {
			t.Errorf("bob's mentions = %v, want only %s (not %s)", mentioned, hello.ID, memo.ID)
		}
		var thread struct{ Ancestors, Descendants []status }
		get(t, srv, bob, "/api/v1/statuses/"+hello.ID+"/context", 200, &thread)
		if len(thread.Ancestors) != 0 || len(thread.Descendants) != 0 {
			t.Errorf("bob's thread: %v / %v", ids(thread.Ancestors), ids(thread.Descendants))
		}
		get(t, srv, alice, "/api/v1/statuses/"+hello.ID+"/context", 200, &thread)
		if !slices.Equal(ids(thread.Ancestors), []string{memo.ID}) || !slices.Equal(ids(thread.Descendants), []string{reply.ID}) {
			t.Errorf("alice's thread: %v / %v", ids(thread.Ancestors), ids(thread.Descendants))
		}
		profile := read(bob, "/api/v1/accounts/"+idStr(alice.ID)+"/statuses")
		if _, ok := profile[memo.ID]; ok {
			t.Error("account-context hide: memo on alice's profile")
		}
		if _, ok := profile[hello.ID]; !ok {
			t.Error("hello missing from alice's profile")
		}
		if _, ok := read(bob, "/api/v1/timelines/home")[memo.ID]; !ok {
			t.Error("a filter for other contexts hid memo from home")
		}

		// Deleting the hide filter brings the status back.
		sendJSON(t, bob, "DELETE", "/api/v2/filters/"+hideHome.ID, nil, 200, nil)
		if _, ok := read(bob, "/api/v1/timelines/home")[secret.ID]; !ok {
			t.Error("deleted filter still hides")
		}
	}, storagetest.NoReadCache) // it expires a filter by writing to the database directly
}

func parseID(t *testing.T, s string) int64 {
	t.Helper()
	n, err := parseInt(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
