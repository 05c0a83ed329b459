package discovery_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// get fetches url and returns the response with its body read.
func get(t *testing.T, u string) (*http.Response, []byte) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

// mediaType returns the media type of a response and its parameters.
func mediaType(t *testing.T, res *http.Response) (string, map[string]string) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type %q: %v", res.Header.Get("Content-Type"), err)
	}
	return mt, params
}

type jrd struct {
	Subject string   `json:"subject"`
	Aliases []string `json:"aliases"`
	Links   []struct {
		Rel      string `json:"rel"`
		Type     string `json:"type"`
		Href     string `json:"href"`
		Template string `json:"template"`
	} `json:"links"`
}

func TestWebFinger(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		domain := srv.Instance.Domain
		srv.CreateAccount(t, "alice")
		srv.CreateAccount(t, "carol")
		if err := srv.Accounts.SetSuspended(context.Background(), "carol", true); err != nil {
			t.Fatal(err)
		}
		actor, profile := srv.URL+"/users/alice", srv.URL+"/@alice"
		instanceActor := srv.URL + "/actor"

		for _, tc := range []struct {
			name, resource string
			status         int
			subject        string
			self           string
		}{
			{"acct", "acct:alice@" + domain, 200, "acct:alice@" + domain, actor},
			{"acct any case", "acct:ALICE@" + strings.ToUpper(domain), 200, "acct:alice@" + domain, actor},
			{"no scheme", "alice@" + domain, 200, "acct:alice@" + domain, actor},
			{"actor URL", actor, 200, "acct:alice@" + domain, actor},
			{"profile URL", profile, 200, "acct:alice@" + domain, actor},
			{"instance actor", "acct:" + srv.Instance.Host() + "@" + domain, 200, "acct:" + srv.Instance.Host() + "@" + domain, instanceActor},
			{"instance actor URL", instanceActor, 200, "acct:" + srv.Instance.Host() + "@" + domain, instanceActor},
			{"unknown", "acct:nobody@" + domain, 404, "", ""},
			{"suspended", "acct:carol@" + domain, 404, "", ""},
			{"suspended by URL", srv.URL + "/users/carol", 404, "", ""},
			{"other domain", "acct:alice@other.example", 404, "", ""},
			{"other domain URL", "https://other.example/users/alice", 404, "", ""},
			{"URL naming no actor", srv.URL + "/users/alice/inbox", 404, "", ""},
			{"empty", "", 400, "", ""},
			{"no domain", "acct:alice", 400, "", ""},
			{"no user", "acct:@" + domain, 400, "", ""},
			{"spaces", "acct:al ice@" + domain, 400, "", ""},
			{"bad URL", "https://", 400, "", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res, body := get(t, srv.URL+"/.well-known/webfinger?resource="+url.QueryEscape(tc.resource))
				if res.StatusCode != tc.status {
					t.Fatalf("status = %d, want %d: %s", res.StatusCode, tc.status, body)
				}
				if res.Header.Get("Access-Control-Allow-Origin") != "*" {
					t.Errorf("no CORS header")
				}
				if tc.status != 200 {
					var e struct{ Error string }
					if json.Unmarshal(body, &e) != nil || e.Error == "" {
						t.Errorf("error body = %s", body)
					}
					return
				}
				if mt, _ := mediaType(t, res); mt != "application/jrd+json" {
					t.Errorf("Content-Type = %s", mt)
				}
				var j jrd
				if err := json.Unmarshal(body, &j); err != nil {
					t.Fatalf("%v: %s", err, body)
				}
				if j.Subject != tc.subject {
					t.Errorf("subject = %q, want %q", j.Subject, tc.subject)
				}
				var self, page string
				for _, l := range j.Links {
					switch l.Rel {
					case "self":
						if l.Type != "application/activity+json" {
							t.Errorf("self type = %q", l.Type)
						}
						self = l.Href
					case "http://webfinger.net/rel/profile-page":
						if l.Type != "text/html" {
							t.Errorf("profile-page type = %q", l.Type)
						}
						page = l.Href
					}
				}
				if self != tc.self {
					t.Errorf("self = %q, want %q", self, tc.self)
				}
				if tc.self == actor {
					if page != profile {
						t.Errorf("profile-page = %q, want %q", page, profile)
					}
					if strings.Join(j.Aliases, " ") != actor+" "+profile {
						t.Errorf("aliases = %q", j.Aliases)
					}
				}
			})
		}

		// The missing parameter, as opposed to an empty one.
		res, body := get(t, srv.URL+"/.well-known/webfinger")
		if res.StatusCode != 400 || !strings.Contains(string(body), `"error"`) {
			t.Errorf("no resource: %d %s", res.StatusCode, body)
		}
		// Every link the instance actor's JRD gives resolves.
		res, _ = get(t, srv.URL+"/.well-known/webfinger?resource="+url.QueryEscape(instanceActor))
		if res.StatusCode != 200 {
			t.Fatalf("instance actor: %d", res.StatusCode)
		}
	})
}

func TestHostMeta(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		template := srv.URL + "/.well-known/webfinger?resource={uri}"

		res, body := get(t, srv.URL+"/.well-known/host-meta")
		if mt, _ := mediaType(t, res); res.StatusCode != 200 || mt != "application/xrd+xml" {
			t.Fatalf("host-meta: %d %s", res.StatusCode, mt)
		}
		var x struct {
			XMLName xml.Name
			Links   []struct {
				Rel      string `xml:"rel,attr"`
				Template string `xml:"template,attr"`
			} `xml:"Link"`
		}
		if err := xml.Unmarshal(body, &x); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		if x.XMLName.Local != "XRD" || len(x.Links) != 1 || x.Links[0].Rel != "lrdd" || x.Links[0].Template != template {
			t.Errorf("host-meta = %s", body)
		}
		if res.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Error("host-meta: no CORS header")
		}

		res, body = get(t, srv.URL+"/.well-known/host-meta.json")
		if mt, _ := mediaType(t, res); res.StatusCode != 200 || mt != "application/jrd+json" {
			t.Fatalf("host-meta.json: %d %s", res.StatusCode, mt)
		}
		var j jrd
		if err := json.Unmarshal(body, &j); err != nil {
			t.Fatal(err)
		}
		if len(j.Links) != 1 || j.Links[0].Rel != "lrdd" || j.Links[0].Template != template {
			t.Errorf("host-meta.json = %s", body)
		}

		// Following the template finds an account.
		srv.CreateAccount(t, "alice")
		res, _ = get(t, strings.Replace(template, "{uri}", url.QueryEscape("acct:alice@"+srv.Instance.Domain), 1))
		if res.StatusCode != 200 {
			t.Errorf("following the LRDD template: %d", res.StatusCode)
		}
	})
}

// addLocalPosts stores n local statuses by the account, and one boost and
// one deleted status that NodeInfo must not count.
func addLocalPosts(t *testing.T, s *storage.Store, accountID int64, n int) {
	t.Helper()
	ins := func(reblogOf *int64, deleted *time.Time) int64 {
		id := s.NewID()
		now := time.Now().UTC()
		_, err := s.DB().Exec(`INSERT INTO statuses (id, account_id, local, reblog_of_id, visibility, created_at, updated_at, deleted_at)
			VALUES ($1, $2, TRUE, $3, 'public', $4, $4, $5)`, id, accountID, reblogOf, now, deleted)
		if err != nil {
			t.Fatalf("insert status: %v", err)
		}
		return id
	}
	var first int64
	for i := 0; i < n; i++ {
		id := ins(nil, nil)
		if first == 0 {
			first = id
		}
	}
	now := time.Now()
	ins(&first, nil)
	ins(nil, &now)
}

// setLastActive records when a user was last active.
func setLastActive(t *testing.T, s *storage.Store, a *storage.Account, at time.Time) {
	t.Helper()
	if _, err := s.DB().Exec(`UPDATE users SET last_active_at = $1 WHERE id = $2`, at.UTC(), *a.UserID); err != nil {
		t.Fatalf("set last active: %v", err)
	}
}

func TestNodeInfo(t *testing.T) {
	for _, mode := range []string{instance.RegistrationsOpen, instance.RegistrationsApproval, instance.RegistrationsClosed} {
		t.Run(mode, func(t *testing.T) {
			storagetest.Each(t, func(t *testing.T, s *storage.Store) {
				srv := webtest.Start(t, s, webtest.WithInstance(func(c *instance.Config) {
					c.Registrations = mode
					c.Name = "Saint Elsewhere"
					c.Description = "Teaching hospital <staff>"
					c.Version = "1.4.2"
				}))
				alice := srv.CreateAccount(t, "alice")
				bob := srv.CreateAccount(t, "bob")
				carol := srv.CreateAccount(t, "carol")
				setLastActive(t, s, alice, time.Now().Add(-time.Hour))
				setLastActive(t, s, bob, time.Now().AddDate(0, 0, -100))
				setLastActive(t, s, carol, time.Now().Add(-time.Hour))
				if err := srv.Accounts.SetSuspended(context.Background(), "carol", true); err != nil {
					t.Fatal(err)
				}
				addLocalPosts(t, s, alice.ID, 3)

				res, body := get(t, srv.URL+"/.well-known/nodeinfo")
				if res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") != "*" {
					t.Fatalf("/.well-known/nodeinfo: %d, CORS %q", res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
				}
				var wk struct {
					Links []struct{ Rel, Href string } `json:"links"`
				}
				if err := json.Unmarshal(body, &wk); err != nil {
					t.Fatal(err)
				}
				if len(wk.Links) != 2 {
					t.Fatalf("links = %s", body)
				}
				for i, version := range []string{"2.0", "2.1"} {
					l := wk.Links[i]
					if l.Rel != "http://nodeinfo.diaspora.software/ns/schema/"+version || l.Href != srv.URL+"/nodeinfo/"+version {
						t.Errorf("link %d = %+v", i, l)
					}
					res, body := get(t, l.Href)
					if res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") != "*" {
						t.Fatalf("%s: %d %s", l.Href, res.StatusCode, body)
					}
					mt, params := mediaType(t, res)
					if mt != "application/json" || params["profile"] != "http://nodeinfo.diaspora.software/ns/schema/"+version+"#" {
						t.Errorf("%s Content-Type = %q", l.Href, res.Header.Get("Content-Type"))
					}
					var n struct {
						Version           string
						Software          struct{ Name, Version string }
						Protocols         []string
						Services          struct{ Inbound, Outbound []string }
						OpenRegistrations bool
						Usage             struct {
							Users struct {
								Total, ActiveMonth, ActiveHalfyear int
							}
							LocalPosts int
						}
						Metadata struct{ NodeName, NodeDescription string }
					}
					if err := json.Unmarshal(body, &n); err != nil {
						t.Fatal(err)
					}
					if n.Version != version || n.Software.Name != "rounds" || n.Software.Version != "1.4.2" {
						t.Errorf("version/software = %s %+v", n.Version, n.Software)
					}
					if len(n.Protocols) != 1 || n.Protocols[0] != "activitypub" {
						t.Errorf("protocols = %v", n.Protocols)
					}
					if n.Services.Inbound == nil || n.Services.Outbound == nil {
						t.Errorf("services = %s", body)
					}
					if n.OpenRegistrations != (mode == instance.RegistrationsOpen) {
						t.Errorf("openRegistrations = %v", n.OpenRegistrations)
					}
					// Two live people (the suspended one and the instance
					// actor do not count), one active this month, both in
					// the half year; three posts (no boosts, no deleted).
					if n.Usage.Users.Total != 2 || n.Usage.Users.ActiveMonth != 1 || n.Usage.Users.ActiveHalfyear != 2 || n.Usage.LocalPosts != 3 {
						t.Errorf("usage = %+v", n.Usage)
					}
					if n.Metadata.NodeName != "Saint Elsewhere" || n.Metadata.NodeDescription != "Teaching hospital <staff>" {
						t.Errorf("metadata = %+v", n.Metadata)
					}
				}
			})
		})
	}
}

func TestUnknownNodeInfoVersion(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		for _, p := range []string{"/nodeinfo/1.0", "/nodeinfo/2.2", "/nodeinfo/"} {
			res, body := get(t, srv.URL+p)
			if res.StatusCode != 404 || !strings.Contains(string(body), `"error"`) {
				t.Errorf("GET %s = %d %s", p, res.StatusCode, body)
			}
		}
	})
}
