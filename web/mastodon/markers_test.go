package mastodon_test

import (
	"net/url"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// marker is the Marker entity as the tests read it.
type marker struct {
	LastReadID string `json:"last_read_id"`
	Version    int    `json:"version"`
	UpdatedAt  string `json:"updated_at"`
}

func TestMarkers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		reader := signIn(t, srv, "reader", "read")
		const both = "/api/v1/markers?timeline[]=home&timeline[]=notifications"

		var ms map[string]marker
		ms = nil // json.Unmarshal merges into a map
		get(t, srv, alice, both, 200, &ms)
		if len(ms) != 0 {
			t.Fatalf("fresh markers = %v", ms)
		}

		// JSON, then a form: each save adds one to the version.
		ms = nil
		postJSON(t, alice, "/api/v1/markers", map[string]any{"home": map[string]any{"last_read_id": "103"}}, 200, &ms)
		if len(ms) != 1 || ms["home"].LastReadID != "103" || ms["home"].Version != 0 || len(ms["home"].UpdatedAt) != len("2006-01-02T15:04:05.000Z") {
			t.Fatalf("first save = %+v", ms)
		}
		ms = nil
		postForm(t, alice, "/api/v1/markers", url.Values{"home[last_read_id]": {"110"}, "notifications[last_read_id]": {"7"}}, 200, &ms)
		if len(ms) != 2 || ms["home"].LastReadID != "110" || ms["home"].Version != 1 || ms["notifications"].LastReadID != "7" || ms["notifications"].Version != 0 {
			t.Fatalf("form save = %+v", ms)
		}
		ms = nil
		postJSON(t, alice, "/api/v1/markers", map[string]any{"notifications": map[string]any{"last_read_id": 9}}, 200, &ms)
		if len(ms) != 1 || ms["notifications"].Version != 1 || ms["notifications"].LastReadID != "9" {
			t.Fatalf("number id = %+v", ms)
		}

		ms = nil
		get(t, srv, alice, both, 200, &ms)
		if ms["home"].LastReadID != "110" || ms["home"].Version != 1 || ms["notifications"].LastReadID != "9" || ms["notifications"].Version != 1 {
			t.Fatalf("read back = %+v", ms)
		}
		ms = nil
		get(t, srv, alice, "/api/v1/markers?timeline[]=home", 200, &ms)
		if len(ms) != 1 || ms["home"].LastReadID != "110" {
			t.Errorf("home only = %+v", ms)
		}
		ms = nil
		get(t, srv, alice, "/api/v1/markers", 200, &ms)
		if len(ms) != 0 {
			t.Errorf("no timeline asked = %+v", ms)
		}
		ms = nil
		get(t, srv, bob, both, 200, &ms)
		if len(ms) != 0 {
			t.Errorf("bob sees %+v", ms)
		}

		// Errors leave the markers alone.
		for _, body := range []map[string]any{
			{"home": map[string]any{"last_read_id": "abc"}},
			{"home": map[string]any{"last_read_id": ""}},
			{"home": map[string]any{"last_read_id": "5"}, "notifications": map[string]any{"last_read_id": "-1"}},
		} {
			wantError(t, srv, alice, "POST", "/api/v1/markers", body, 422)
		}
		wantError(t, srv, nil, "GET", both, nil, 401)
		wantError(t, srv, nil, "POST", "/api/v1/markers", map[string]any{"home": map[string]any{"last_read_id": "1"}}, 401)
		wantError(t, srv, reader, "POST", "/api/v1/markers", map[string]any{"home": map[string]any{"last_read_id": "1"}}, 403)
		ms = nil
		get(t, srv, alice, both, 200, &ms)
		if ms["home"].LastReadID != "110" || ms["home"].Version != 1 {
			t.Errorf("after errors = %+v", ms)
		}
		// Unknown timelines are ignored, as Mastodon's permitted params do.
		ms = nil
		postJSON(t, alice, "/api/v1/markers", map[string]any{"public": map[string]any{"last_read_id": "1"}}, 200, &ms)
		if len(ms) != 0 {
			t.Errorf("unknown timeline = %+v", ms)
		}
	})
}
