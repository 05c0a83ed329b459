package mastodon_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// TestHomePageJSON reads a home page, whose statuses the appender writes
// with their authors' kept bytes, and checks it against answers the
// library writes or that are written one by one: each author's JSON is
// the account endpoint's, byte for byte, each status the status
// endpoint's, and the text survives HTML escaping and the line
// separators.
func TestHomePageJSON(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		reader, author, booster, stranger := signIn(t, srv, "reader"), signIn(t, srv, "author"), signIn(t, srv, "booster"), signIn(t, srv, "stranger")
		follow(t, reader, author.Account)
		follow(t, reader, booster.Account)
		text := "troponin < 14 & \"ECG\" normal \u2028 é 😀"
		first := post(t, stranger, map[string]any{"status": text, "visibility": "public"})
		post(t, author, map[string]any{"status": "#rounds with @reader", "visibility": "public", "spoiler_text": "<cw>"})
		post(t, author, map[string]any{"status": "plain", "visibility": "public"})
		postJSON(t, booster, "/api/v1/statuses/"+first.ID+"/reblog", nil, 200, nil)

		var page []json.RawMessage
		get(t, srv, reader, "/api/v1/timelines/home?limit=40", 200, &page)
		if len(page) != 3 {
			t.Fatalf("home page has %d statuses, want 3", len(page))
		}
		// account is the account endpoint's answer, written by the library.
		account := func(raw json.RawMessage) json.RawMessage {
			var a struct{ ID string }
			if err := json.Unmarshal(raw, &a); err != nil {
				t.Fatal(err)
			}
			var out json.RawMessage
			get(t, srv, reader, "/api/v1/accounts/"+a.ID, 200, &out)
			return out
		}
		sawText := false
		for i, raw := range page {
			var st struct {
				ID      string          `json:"id"`
				Content string          `json:"content"`
				Account json.RawMessage `json:"account"`
				Reblog  *struct {
					Content string          `json:"content"`
					Account json.RawMessage `json:"account"`
				} `json:"reblog"`
			}
			if err := json.Unmarshal(raw, &st); err != nil {
				t.Fatalf("status %d: %v", i, err)
			}
			if want := account(st.Account); !bytes.Equal(st.Account, want) {
				t.Errorf("status %d: account\n%s\nwant (GET /api/v1/accounts/:id)\n%s", i, st.Account, want)
			}
			var one json.RawMessage
			get(t, srv, reader, "/api/v1/statuses/"+st.ID, 200, &one)
			if !bytes.Equal(raw, one) {
				t.Errorf("status %d on the page\n%s\nwant (GET /api/v1/statuses/:id)\n%s", i, raw, one)
			}
			if st.Reblog != nil {
				if want := account(st.Reblog.Account); !bytes.Equal(st.Reblog.Account, want) {
					t.Errorf("status %d: boosted status's account\n%s\nwant\n%s", i, st.Reblog.Account, want)
				}
				st.Content = st.Reblog.Content
			}
			if st.Content == "<p>troponin &lt; 14 &amp; &#34;ECG&#34; normal \u2028 é 😀</p>" {
				sawText = true
			}
			if bytes.ContainsAny(raw, "<>&\u2028") {
				t.Errorf("status %d has an unescaped <, >, & or U+2028: %s", i, raw)
			}
		}
		if !sawText {
			t.Errorf("no status has the posted text: %s", page)
		}
	})
}
