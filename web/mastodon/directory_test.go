package mastodon_test

import (
	"context"
	"net/url"
	"slices"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

func usernames(as []proAccount) []string {
	out := []string{}
	for _, a := range as {
		out = append(out, a.Username)
	}
	slices.Sort(out)
	return out
}

func TestDirectory(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		neuro := signIn(t, srv, "neuro")
		patchJSON(t, neuro, "/api/v1/rounds/profile", map[string]any{
			"specialty": "radiology", "subspecialties": []string{"neuroradiology"}, "institution": "Mercy General",
			"training_program": "Mercy Radiology Residency", "training_stage": "resident", "training_year": 2,
			"graduation_year": 2028, "interests": []string{"stroke imaging"},
			"audiences": map[string]string{"graduation_year": "public", "interests": "public", "training_program": "public"},
		}, 200, nil)
		breast := signIn(t, srv, "breast")
		patchJSON(t, breast, "/api/v1/rounds/profile", map[string]any{
			"specialty": "radiology", "subspecialties": []string{"breast"}, "institution": "Mercy General",
			"audiences": map[string]string{"specialty": "followers", "subspecialties": "followers", "institution": "physicians"},
		}, 200, nil)
		cardio := signIn(t, srv, "cardio")
		patchJSON(t, cardio, "/api/v1/rounds/profile", map[string]any{"specialty": "cardiology", "institution": "St. Elsewhere"}, 200, nil)
		hidden := signIn(t, srv, "hidden")
		patchJSON(t, hidden, "/api/v1/rounds/profile", map[string]any{"specialty": "radiology"}, 200, nil)
		patchJSON(t, hidden, "/api/v1/accounts/update_credentials", map[string]any{"discoverable": false}, 200, nil)
		gone := signIn(t, srv, "gone")
		patchJSON(t, gone, "/api/v1/rounds/profile", map[string]any{"specialty": "radiology"}, 200, nil)
		if err := srv.Accounts.SetSuspended(context.Background(), "gone", true); err != nil {
			t.Fatal(err)
		}
		plain := signIn(t, srv, "plain")
		follower := signIn(t, srv, "fan")
		follow(t, follower, breast.Account)
		follow(t, follower, neuro.Account)
		doc := signIn(t, srv, "doc")
		verify(t, srv, "doc", "MD")

		dir := func(u *user, q url.Values) []string {
			t.Helper()
			var out []proAccount
			get(t, srv, u, "/api/v1/rounds/directory?"+q.Encode(), 200, &out)
			return usernames(out)
		}
		for _, tc := range []struct {
			name string
			u    *user
			q    url.Values
			want []string
		}{
			{"radiology, anonymous", nil, url.Values{"specialty": {"radiology"}}, []string{"neuro"}},
			{"radiology, follower", follower, url.Values{"specialty": {"radiology"}}, []string{"breast", "neuro"}},
			{"radiology, owner of a followers specialty", breast, url.Values{"specialty": {"Radiology"}}, []string{"breast", "neuro"}},
			{"breast subspecialty, anonymous", nil, url.Values{"subspecialty": {"breast"}}, []string{}},
			{"breast subspecialty, follower", follower, url.Values{"specialty": {"radiology"}, "subspecialty": {"breast"}}, []string{"breast"}},
			{"institution, anonymous", nil, url.Values{"institution": {"mercy"}}, []string{"neuro"}},
			{"institution, physician", doc, url.Values{"institution": {"MERCY"}}, []string{"breast", "neuro"}},
			{"stage, anonymous (training is for followers)", nil, url.Values{"stage": {"resident"}}, []string{}},
			{"stage, follower", follower, url.Values{"stage": {"resident"}}, []string{"neuro"}},
			{"graduation year", nil, url.Values{"graduation_year": {"2028"}}, []string{"neuro"}},
			{"program text", nil, url.Values{"q": {"residency"}}, []string{"neuro"}},
			{"interest text", nil, url.Values{"q": {"stroke"}}, []string{"neuro"}},
			{"name text", nil, url.Values{"q": {"cardi"}}, []string{"cardio"}},
			// breast shows the public nothing, so is not listed at all.
			{"every professional profile", nil, url.Values{}, []string{"cardio", "neuro"}},
			{"every professional profile, follower", follower, url.Values{}, []string{"breast", "cardio", "neuro"}},
			{"local only", nil, url.Values{"local": {"true"}, "specialty": {"cardiology"}}, []string{"cardio"}},
		} {
			if got := dir(tc.u, tc.q); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
		// A hidden field does not leak through the entries either.
		var out []proAccount
		get(t, srv, nil, "/api/v1/rounds/directory", 200, &out)
		for _, a := range out {
			if a.Username == "breast" {
				if len(a.Rounds.Profile) != 0 {
					t.Errorf("breast's hidden fields shown: %v", keys(a.Rounds.Profile))
				}
			}
		}

		// Bad filters.
		for _, tc := range []struct{ q, field string }{
			{"specialty=astrology", "specialty"}, {"subspecialty=knees", "subspecialty"}, {"stage=chief", "stage"},
			{"graduation_year=abc", "graduation_year"}, {"order=random", "order"}, {"offset=-1", "offset"},
			{"specialty=cardiology&subspecialty=breast", "subspecialty"},
		} {
			var e errorBody
			get(t, srv, nil, "/api/v1/rounds/directory?"+tc.q, 422, &e)
			if e.Error == "" {
				t.Errorf("%s: no error", tc.q)
			}
		}

		// Mastodon's directory: every discoverable account, paged.
		var all []proAccount
		get(t, srv, nil, "/api/v1/directory?limit=80", 200, &all)
		want := []string{"breast", "cardio", "doc", "fan", "neuro", "plain"}
		if got := usernames(all); !slices.Equal(got, want) {
			t.Errorf("directory = %v, want %v", got, want)
		}
		var page1, page2 []proAccount
		get(t, srv, nil, "/api/v1/directory?order=new&limit=2", 200, &page1)
		get(t, srv, nil, "/api/v1/directory?order=new&limit=2&offset=2", 200, &page2)
		if len(page1) != 2 || len(page2) != 2 || page1[0].Username != "doc" || page1[1].Username != "fan" || page2[0].Username != "plain" {
			t.Errorf("pages = %v %v", usernames(page1), usernames(page2))
		}
		post(t, plain, map[string]any{"status": "first post", "visibility": "public"})
		var active []proAccount
		get(t, srv, nil, "/api/v1/directory?order=active&limit=1", 200, &active)
		if len(active) != 1 || active[0].Username != "plain" {
			t.Errorf("order=active: %v", usernames(active))
		}
	})
}
