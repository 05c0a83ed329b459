package mastodon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/webtest"
)

// sendJSON sends a JSON body (nil: none) as u with any method.
func sendJSON(t *testing.T, u *user, method, path string, body any, want int, v any) {
	t.Helper()
	var r *bytes.Reader
	ct := ""
	if body != nil {
		b, _ := json.Marshal(body)
		r, ct = bytes.NewReader(b), "application/json"
	} else {
		r = bytes.NewReader(nil)
	}
	decode(t, do(t, u.srv, u, method, path, ct, r), want, v)
}

// sendForm sends a form body as u with any method.
func sendForm(t *testing.T, u *user, method, path string, form url.Values, want int, v any) {
	t.Helper()
	decode(t, do(t, u.srv, u, method, path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode())), want, v)
}

// wantError checks that an error response has a non-empty {"error"}.
func wantError(t *testing.T, srv *webtest.Server, u *user, method, path string, body any, want int) {
	t.Helper()
	var e errorBody
	var b []byte
	ct := ""
	if body != nil {
		b, _ = json.Marshal(body)
		ct = "application/json"
	}
	decode(t, do(t, srv, u, method, path, ct, bytes.NewReader(b)), want, &e)
	if e.Error == "" {
		t.Errorf("%s %s: no error message", method, path)
	}
}

// follows makes a follow b over the API.
func follows(t *testing.T, a, b *user) {
	t.Helper()
	var rel map[string]any
	postJSON(t, a, "/api/v1/accounts/"+idStr(b.ID)+"/follow", nil, 200, &rel)
	if rel["following"] != true {
		t.Fatalf("%s follow %s: %v", a.Username, b.Username, rel)
	}
}

// remoteAccount stores an account of another server.
func remoteAccount(t *testing.T, s *storage.Store, username, domain string) *storage.Account {
	t.Helper()
	uri := "https://" + domain + "/users/" + username
	a := &storage.Account{Username: username, Domain: domain, URI: &uri, ActorType: storage.ActorPerson, Discoverable: true}
	if err := s.UpsertRemoteAccount(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a
}

// remoteStatus stores a status received from another server.
func remoteStatus(t *testing.T, s *storage.Store, author *storage.Account, text, vis string, tags ...string) string {
	t.Helper()
	id := s.NewID()
	uri := "https://" + author.Domain + "/statuses/" + idStr(id)
	st := &storage.Status{ID: id, AccountID: author.ID, URI: &uri, Local: false, Text: text,
		Content: "<p>" + text + "</p>", Visibility: vis}
	if err := s.InsertStatus(context.Background(), storage.NewStatus{Status: st, Tags: tags}); err != nil {
		t.Fatal(err)
	}
	return idStr(id)
}

// pages follows the Link header's next links from path, collecting the
// status IDs of every page.
func pages(t *testing.T, srv *webtest.Server, u *user, path string) []string {
	t.Helper()
	var all []string
	for i := 0; i < 20; i++ {
		var page []status
		h := get(t, srv, u, path, 200, &page)
		if len(page) == 0 {
			if h.Get("Link") != "" {
				t.Errorf("empty page with Link %q", h.Get("Link"))
			}
			return all
		}
		all = append(all, ids(page)...)
		next, prev := links(t, h.Get("Link"))
		if prev.Query().Get("min_id") != page[0].ID || next.Query().Get("max_id") != page[len(page)-1].ID {
			t.Fatalf("Link %q for page %v", h.Get("Link"), ids(page))
		}
		path = next.RequestURI()
	}
	t.Fatal("too many pages")
	return nil
}

// has reports whether sts holds a status with that ID.
func has(sts []status, id string) bool {
	for _, s := range sts {
		if s.ID == id {
			return true
		}
	}
	return false
}
