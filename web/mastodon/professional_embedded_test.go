package mastodon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// The author inside a status's edit history carries the fields its
// viewer may see, as the status itself does.
func TestEditHistoryAccountForViewer(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		owner := signIn(t, srv, "owner")
		patchJSON(t, owner, "/api/v1/rounds/profile", map[string]any{
			"specialty": "radiology", "institution": "Mercy General", "department": "Stroke unit",
			"audiences": map[string]string{"specialty": "public", "institution": "followers", "department": "only_me"},
		}, 200, nil)
		follower := signIn(t, srv, "follower")
		follow(t, follower, owner.Account)
		stranger := signIn(t, srv, "stranger")

		st := post(t, owner, map[string]any{"status": "first take", "visibility": "public"})
		body, _ := json.Marshal(map[string]any{"status": "second take"})
		decode(t, do(t, srv, owner, "PUT", "/api/v1/statuses/"+st.ID, "application/json", bytes.NewReader(body)), 200, nil)

		for _, tc := range []struct {
			name string
			u    *user
			want [3]bool // Specialty, Institution, Department
		}{
			{"anonymous", nil, [3]bool{true, false, false}},
			{"stranger", stranger, [3]bool{true, false, false}},
			{"follower", follower, [3]bool{true, true, false}},
			{"owner", owner, [3]bool{true, true, true}},
		} {
			var history []struct {
				Content string     `json:"content"`
				Account proAccount `json:"account"`
			}
			get(t, srv, tc.u, "/api/v1/statuses/"+st.ID+"/history", 200, &history)
			if len(history) != 2 {
				t.Fatalf("%s: %d versions", tc.name, len(history))
			}
			for i, v := range history {
				_, spec := v.Account.field("Specialty")
				_, inst := v.Account.field("Institution")
				_, dept := v.Account.field("Department")
				if got := [3]bool{spec, inst, dept}; got != tc.want {
					t.Errorf("%s: version %d account fields %v, want %v", tc.name, i, v.Account.fieldNames(), tc.want)
				}
				if (v.Account.Rounds.Profile["institution"] != nil) != tc.want[1] {
					t.Errorf("%s: version %d rounds.profile %v", tc.name, i, keys(v.Account.Rounds.Profile))
				}
			}
		}
	})
}

// The personas list and a new persona show each persona as its owner
// sees it; through the account endpoints one persona is a stranger to
// another.
func TestPersonasShowOwnFields(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		srv := webtest.Start(t, s)
		rivera := signIn(t, srv, "rivera", "read write rounds:personas")
		patchJSON(t, rivera, "/api/v1/rounds/profile", map[string]any{"department": "Neuroradiology reading room"}, 200, nil)
		var ana proAccount
		postJSON(t, rivera, "/api/v1/rounds/personas", map[string]any{"username": "ana", "display_name": "Ana"}, 200, &ana)
		if len(ana.Fields) != 0 {
			t.Fatalf("a new persona has fields: %v", ana.fieldNames())
		}
		anaAccount, err := s.AccountByUsername(ctx, "ana", "")
		if err != nil {
			t.Fatal(err)
		}
		creds := srv.Credentials
		// department is only_me by default.
		dept := "Climbing club"
		if _, err := creds.Update(ctx, anaAccount, credential.Patch{Department: &dept}); err != nil {
			t.Fatal(err)
		}

		var list []proAccount
		h := get(t, srv, rivera, "/api/v1/rounds/personas", 200, &list)
		if len(list) != 2 || h.Get("Cache-Control") != "private, no-store" {
			t.Fatalf("personas = %d, Cache-Control %q", len(list), h.Get("Cache-Control"))
		}
		for _, p := range list {
			want := map[string]string{"rivera": "Neuroradiology reading room", "ana": "Climbing club"}[p.Username]
			if v, ok := p.field("Department"); !ok || v != want {
				t.Errorf("persona %s in the list: fields %v", p.Username, p.fieldNames())
			}
		}
		// Elsewhere, rivera is a stranger to ana.
		var seen proAccount
		get(t, srv, rivera, "/api/v1/accounts/"+ana.ID, 200, &seen)
		if _, ok := seen.field("Department"); ok {
			t.Errorf("another persona sees ana's only_me field: %v", seen.fieldNames())
		}
	})
}
