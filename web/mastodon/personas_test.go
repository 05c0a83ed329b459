package mastodon_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

func nodeinfoUsers(t *testing.T, srv *webtest.Server) float64 {
	t.Helper()
	res, err := http.Get(srv.URL + "/nodeinfo/2.1")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var m struct {
		Usage struct {
			Users struct {
				Total float64 `json:"total"`
			} `json:"users"`
		} `json:"usage"`
	}
	if err := json.NewDecoder(res.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m.Usage.Users.Total
}

// raw fetches a URL with an Accept header and returns the body.
func raw(t *testing.T, u, accept, token string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Accept", accept)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", u, res.StatusCode, b)
	}
	return string(b)
}

func TestPersonas(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		ctx := context.Background()
		before := nodeinfoUsers(t, srv)
		rivera := signIn(t, srv, "rivera", "read write rounds:personas")
		if got := nodeinfoUsers(t, srv); got != before+1 {
			t.Fatalf("a sign-up counts %v users, want %v", got, before+1)
		}

		// Creating needs the rounds:personas scope, which write does not imply.
		plainToken := tokenFor(t, srv, rivera.Account, "read write")
		var e errorBody
		postJSON(t, plainToken, "/api/v1/rounds/personas", map[string]any{"username": "ana"}, 403, &e)
		decode(t, do(t, srv, plainToken, "GET", "/api/v1/rounds/personas", "", nil), 403, &e)

		var ana proAccount
		postJSON(t, rivera, "/api/v1/rounds/personas", map[string]any{"username": "ana", "display_name": "Ana"}, 200, &ana)
		if ana.Username != "ana" || ana.DisplayName != "Ana" || ana.ID == idStr(rivera.ID) {
			t.Fatalf("persona = %+v", ana)
		}
		// NodeInfo counts a persona as it counts a sign-up: the count
		// does not tell a persona from a new person.
		if got := nodeinfoUsers(t, srv); got != before+2 {
			t.Errorf("after a persona NodeInfo counts %v users, want %v", got, before+2)
		}
		for _, tc := range []struct {
			body  map[string]any
			want  int
			field string
		}{
			{map[string]any{"username": "ana"}, 409, "taken"},
			{map[string]any{"username": "RIVERA"}, 409, "taken"},
			{map[string]any{"username": "bad name"}, 422, "username"},
			{map[string]any{"username": ""}, 422, "username"},
			{map[string]any{"username": "ok", "display_name": strings.Repeat("d", 31)}, 422, "display_name"},
		} {
			postJSON(t, rivera, "/api/v1/rounds/personas", tc.body, tc.want, &e)
			if !strings.Contains(e.Error, tc.field) {
				t.Errorf("%v: %q", tc.body, e.Error)
			}
		}
		var list []proAccount
		get(t, srv, rivera, "/api/v1/rounds/personas", 200, &list)
		if got := usernames(list); !slices.Equal(got, []string{"ana", "rivera"}) {
			t.Fatalf("personas = %v", got)
		}
		// Another person's list does not hold them.
		stranger := signIn(t, srv, "stranger", "read write rounds:personas")
		get(t, srv, stranger, "/api/v1/rounds/personas", 200, &list)
		if got := usernames(list); !slices.Equal(got, []string{"stranger"}) {
			t.Errorf("stranger's personas = %v", got)
		}

		// Each persona has its own profile and audiences.
		anaAcct, err := s.AccountByUsername(ctx, "ana", "")
		if err != nil {
			t.Fatal(err)
		}
		anaU := loginToken(t, srv, anaAcct, "read write")
		patchJSON(t, rivera, "/api/v1/rounds/profile", map[string]any{"specialty": "radiology", "institution": "Mercy General"}, 200, nil)
		patchJSON(t, anaU, "/api/v1/rounds/profile", map[string]any{"interests": []string{"climbing"}, "audiences": map[string]string{"interests": "public"}}, 200, nil)
		patchJSON(t, anaU, "/api/v1/accounts/update_credentials", map[string]any{"note": "weekend climber"}, 200, nil)
		var me proAccount
		get(t, srv, anaU, "/api/v1/accounts/verify_credentials", 200, &me)
		if me.Username != "ana" {
			t.Fatalf("ana's token acts as %s", me.Username)
		}

		// Unlinkability: nothing any response about one persona, to the
		// public or to a stranger, holds an identifier of the other.
		riveraAcct, _ := s.AccountByUsername(ctx, "rivera", "")
		secretsOf := func(a *storage.Account) []string {
			out := []string{strconv.FormatInt(a.ID, 10), "@" + a.Username, `"` + a.Username + `"`, a.Username + "@"}
			if a.DisplayName != "" {
				out = append(out, a.DisplayName)
			}
			for _, line := range strings.Split(a.PublicKeyPEM, "\n") {
				if len(line) > 40 {
					out = append(out, line)
				}
			}
			if a.UserID != nil {
				out = append(out, `"`+strconv.FormatInt(*a.UserID, 10)+`"`, ":"+strconv.FormatInt(*a.UserID, 10)+",")
			}
			return append(out, "rivera@example.org", "example.org\"", "Mercy General", "radiology", "Radiology", "climbing", "weekend climber")
		}
		about := func(a *storage.Account) map[string]string {
			id := strconv.FormatInt(a.ID, 10)
			out := map[string]string{}
			for name, u := range map[string]*user{"anonymous": nil, "stranger": stranger} {
				tok := ""
				if u != nil {
					tok = u.token
				}
				out[name+" account"] = raw(t, srv.URL+"/api/v1/accounts/"+id, "application/json", tok)
				out[name+" lookup"] = raw(t, srv.URL+"/api/v1/accounts/lookup?acct="+a.Username, "application/json", tok)
				out[name+" statuses"] = raw(t, srv.URL+"/api/v1/accounts/"+id+"/statuses", "application/json", tok)
				out[name+" followers"] = raw(t, srv.URL+"/api/v1/accounts/"+id+"/followers", "application/json", tok)
			}
			out["actor"] = raw(t, srv.URL+"/users/"+a.Username, "application/activity+json", "")
			out["webfinger"] = raw(t, srv.URL+"/.well-known/webfinger?resource=acct:"+a.Username+"@"+srv.Instance.Domain, "application/jrd+json", "")
			out["html"] = raw(t, srv.URL+"/@"+a.Username, "text/html", "")
			return out
		}
		own := map[int64][]string{riveraAcct.ID: {"Mercy General", "radiology", "Radiology"}, anaAcct.ID: {"climbing", "weekend climber"}}
		for _, pair := range [][2]*storage.Account{{anaAcct, riveraAcct}, {riveraAcct, anaAcct}} {
			subject, other := pair[0], pair[1]
			for where, body := range about(subject) {
				for _, secret := range secretsOf(other) {
					if slices.Contains(own[subject.ID], secret) || (secret == `"`+subject.Username+`"`) {
						continue
					}
					if strings.Contains(body, secret) {
						t.Errorf("%s about @%s holds %q of @%s", where, subject.Username, secret, other.Username)
					}
				}
				if strings.Contains(body, "rivera@example.org") {
					t.Errorf("%s about @%s holds the e-mail", where, subject.Username)
				}
			}
		}
		// Times: created_at is the day only, everywhere.
		var pub proAccount
		get(t, srv, nil, "/api/v1/accounts/"+strconv.FormatInt(anaAcct.ID, 10), 200, &pub)
		if !strings.HasSuffix(pub.CreatedAt, "T00:00:00.000Z") {
			t.Errorf("created_at = %s", pub.CreatedAt)
		}
		// IDs: a persona's ID carries a random moment of the last day,
		// not the millisecond it was made. Three more personas made within
		// a second get IDs spread over hours.
		var times []time.Time
		for _, name := range []string{"p2", "p3", "p4"} {
			p, err := srv.Accounts.CreatePersona(ctx, riveraAcct, account.NewPersona{Username: name})
			if err != nil {
				t.Fatal(err)
			}
			at := time.UnixMilli(p.ID >> 16)
			if at.After(time.Now()) || at.Before(time.Now().Add(-25*time.Hour)) {
				t.Errorf("persona ID time %v outside the last day", at)
			}
			times = append(times, at)
		}
		slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
		if times[len(times)-1].Sub(times[0]) < time.Minute {
			t.Errorf("persona ID times %v are not scattered", times)
		}
		// The limit.
		postJSON(t, rivera, "/api/v1/rounds/personas", map[string]any{"username": "p5"}, 403, &e)
		// The e-mail sign-in still picks the sign-up's account.
		again := tokenFor(t, srv, riveraAcct)
		get(t, srv, again, "/api/v1/accounts/verify_credentials", 200, &me)
		if me.Username != "rivera" {
			t.Errorf("e-mail sign-in acts as %s", me.Username)
		}
	})
}
