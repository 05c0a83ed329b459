package mastodon_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// getInstance fetches an instance document anonymously and decodes it.
func getInstance(t *testing.T, u string) (*http.Response, map[string]any) {
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
	if res.StatusCode != 200 {
		t.Fatalf("GET %s = %d %s", u, res.StatusCode, b)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("GET %s: %v: %s", u, err, b)
	}
	return res, m
}

// at follows a dotted path through decoded JSON objects.
func at(m map[string]any, path string) (any, bool) {
	var v any = m
	for _, k := range strings.Split(path, ".") {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = obj[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

// checkFields compares each dotted path with its wanted value; a wanted
// value of present only requires the key.
func checkFields(t *testing.T, doc string, m map[string]any, want map[string]any) {
	t.Helper()
	for path, w := range want {
		got, ok := at(m, path)
		if !ok {
			t.Errorf("%s: %s is missing", doc, path)
			continue
		}
		if w == present {
			continue
		}
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(w)
		if string(gb) != string(wb) {
			t.Errorf("%s: %s = %s, want %s", doc, path, gb, wb)
		}
	}
}

// present marks a field that must exist whatever its value.
var present = &struct{}{}

// limits are the configuration values both documents share.
var limits = map[string]any{
	"configuration.accounts.max_featured_tags":               10,
	"configuration.accounts.max_pinned_statuses":             5,
	"configuration.accounts.max_display_name_length":         30,
	"configuration.accounts.max_note_length":                 500,
	"configuration.accounts.max_profile_fields":              4,
	"configuration.accounts.profile_field_name_limit":        255,
	"configuration.accounts.profile_field_value_limit":       255,
	"configuration.statuses.max_characters":                  5000,
	"configuration.statuses.max_media_attachments":           4,
	"configuration.statuses.characters_reserved_per_url":     23,
	"configuration.media_attachments.supported_mime_types":   []string{"image/jpeg", "image/png", "image/webp", "image/gif"},
	"configuration.media_attachments.image_size_limit":       16777216,
	"configuration.media_attachments.image_matrix_limit":     33177600,
	"configuration.media_attachments.video_size_limit":       0,
	"configuration.media_attachments.video_frame_rate_limit": 0,
	"configuration.media_attachments.video_matrix_limit":     0,
	"configuration.polls.max_options":                        4,
	"configuration.polls.max_characters_per_option":          50,
	"configuration.polls.min_expiration":                     300,
	"configuration.polls.max_expiration":                     2629746,
}

func TestInstance(t *testing.T) {
	for _, tc := range []struct {
		mode                 string
		registrations, allow bool
		approval             bool
	}{
		{instance.RegistrationsOpen, true, true, false},
		{instance.RegistrationsApproval, true, true, true},
		{instance.RegistrationsClosed, false, false, false},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			storagetest.Each(t, func(t *testing.T, s *storage.Store) {
				srv := webtest.Start(t, s, webtest.WithInstance(func(c *instance.Config) {
					c.Registrations = tc.mode
					c.Name = "Saint Elsewhere"
					c.Description = "Teaching hospital"
					c.ContactEmail = "staff@elsewhere.example"
					c.Version = "1.4.2"
					c.FederationMode = instance.FederationAllowlist
				}))
				srv.CreateAccount(t, "alice")
				srv.CreateAccount(t, "bob")
				srv.CreateAccount(t, "carol")
				if err := srv.Accounts.SetSuspended(context.Background(), "carol", true); err != nil {
					t.Fatal(err)
				}
				domain := srv.Instance.Domain
				version := "4.3.0 (compatible; Rounds 1.4.2)"

				for _, path := range []string{"/api/v1/instance", "/api/v1/instance/"} {
					res, m := getInstance(t, srv.URL+path)
					checkHeaders(t, path, res)
					want := map[string]any{
						"uri": domain, "title": "Saint Elsewhere", "short_description": "Teaching hospital",
						"description": "Teaching hospital", "email": "staff@elsewhere.example", "version": version,
						"urls.streaming_api": "ws://" + domain,
						"stats.user_count":   2, "stats.status_count": 0, "stats.domain_count": 0,
						"thumbnail": srv.URL + "/static/thumbnail.png", "languages": []string{"en"},
						"registrations": tc.registrations, "approval_required": tc.approval, "invites_enabled": false,
						"contact_account": nil, "rules": []string{},
					}
					for k, v := range limits {
						want[k] = v
					}
					checkFields(t, path, m, want)
				}

				for _, path := range []string{"/api/v2/instance", "/api/v2/instance/"} {
					res, m := getInstance(t, srv.URL+path)
					checkHeaders(t, path, res)
					want := map[string]any{
						"domain": domain, "title": "Saint Elsewhere", "version": version,
						"source_url": present, "description": "Teaching hospital",
						"usage.users.active_month": 0,
						"thumbnail.url":            srv.URL + "/static/thumbnail.png",
						"icon":                     []string{}, "languages": []string{"en"},
						"configuration.urls.streaming":                       "ws://" + domain,
						"configuration.vapid.public_key":                     "",
						"configuration.media_attachments.description_limit":  1500,
						"configuration.translation.enabled":                  false,
						"configuration.timelines_access.live_feeds.local":    present,
						"configuration.timelines_access.hashtag_feeds.local": present,
						"configuration.timelines_access.trending_link_feeds": present,
						"configuration.limited_federation":                   true,
						"registrations.enabled":                              tc.allow,
						"registrations.approval_required":                    tc.approval,
						"registrations.message":                              nil,
						"contact.email":                                      "staff@elsewhere.example",
						"contact.account":                                    nil,
						"rules":                                              []string{},
					}
					for k, v := range limits {
						want[k] = v
					}
					checkFields(t, path, m, want)
					if v, ok := m["api_versions"]; ok {
						t.Errorf("%s: api_versions = %v; Rounds promises no API version yet", path, v)
					}
				}
			})
		})
	}
}

// checkHeaders checks the Content-Type and the CORS header.
func checkHeaders(t *testing.T, path string, res *http.Response) {
	t.Helper()
	if ct := res.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("%s: Content-Type = %q", path, ct)
	}
	if res.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("%s: no CORS header", path)
	}
}

// TestInstanceAnonymous checks that browser clients can read the instance
// documents across origins without signing in (they read them first), and
// that the thumbnail they link to exists.
func TestInstanceAnonymous(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		for _, path := range []string{"/api/v1/instance", "/api/v2/instance"} {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
			req.Header.Set("Origin", "https://elk.zone")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("GET %s from a browser origin = %d, CORS %q", path, res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
			}
		}
		_, m := getInstance(t, srv.URL+"/api/v2/instance")
		thumb, _ := at(m, "thumbnail.url")
		res, err := http.Get(thumb.(string))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" {
			t.Errorf("thumbnail %s = %d %s", thumb, res.StatusCode, res.Header.Get("Content-Type"))
		}
		// Preflight, as browser clients send it.
		req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/api/v1/instance", nil)
		req.Header.Set("Origin", "https://elk.zone")
		req.Header.Set("Access-Control-Request-Method", "GET")
		res, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 204 || res.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("preflight = %d, CORS %q", res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
		}
	})
}
