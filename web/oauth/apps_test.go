package oauth_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	oauthcore "github.com/rounds-md/rounds/core/oauth"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// TestCreateApp registers apps with every body encoding clients use and
// checks the CredentialApplication entity field by field.
func TestCreateApp(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		api := newAPI(t, srv)
		const tusky = "oauth2redirect://com.keylesspalace.tusky/"
		const ivory = "com.tapbots.Ivory.19300:/request_token/5A8C0B7E-1F2D-4D2B-9A0E-1234567890AB"
		for _, tc := range []struct {
			name      string
			send      func() response
			redirects []string
			scopes    []string
			website   any
		}{
			{"toot JSON", func() response {
				return api.postJSON("/api/v1/apps", map[string]any{"client_name": "toot - a Mastodon CLI client", "redirect_uris": oauthcore.OOB, "scopes": "read write follow", "website": "https://github.com/ihabunek/toot"}, nil)
			}, []string{oauthcore.OOB}, []string{"read", "write", "follow"}, "https://github.com/ihabunek/toot"},
			{"JSON array", func() response {
				return api.postJSON("/api/v1/apps", map[string]any{"client_name": "Elk", "redirect_uris": []string{"https://elk.example/cb", tusky}, "scopes": "read write follow push"}, nil)
			}, []string{"https://elk.example/cb", tusky}, []string{"read", "write", "follow", "push"}, nil},
			{"form, default scope", func() response {
				return api.postForm("/api/v1/apps", url.Values{"client_name": {"Mastodon.py"}, "redirect_uris": {oauthcore.OOB}}, nil)
			}, []string{oauthcore.OOB}, []string{"read"}, nil},
			{"form, newline separated", func() response {
				return api.postForm("/api/v1/apps", url.Values{"client_name": {"Multi"}, "redirect_uris": {"https://a.example/cb\n" + ivory + " " + oauthcore.OOB}, "scopes": {"read:statuses write:media"}}, nil)
			}, []string{"https://a.example/cb", ivory, oauthcore.OOB}, []string{"read:statuses", "write:media"}, nil},
			{"form array", func() response {
				return api.postForm("/api/v1/apps", url.Values{"client_name": {"Arr"}, "redirect_uris[]": {tusky, oauthcore.OOB}, "scopes": {"read write follow push"}}, nil)
			}, []string{tusky, oauthcore.OOB}, []string{"read", "write", "follow", "push"}, nil},
			{"multipart", func() response {
				return api.postMultipart("/api/v1/apps", [][2]string{{"client_name", "Tusky"}, {"redirect_uris", tusky}, {"scopes", "read write follow push"}, {"website", "https://tusky.app"}})
			}, []string{tusky}, []string{"read", "write", "follow", "push"}, "https://tusky.app"},
			{"multipart array", func() response {
				return api.postMultipart("/api/v1/apps", [][2]string{{"client_name", "Ivory"}, {"redirect_uris[]", ivory}, {"redirect_uris[]", oauthcore.OOB}})
			}, []string{ivory, oauthcore.OOB}, []string{"read"}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := tc.send()
				if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
					t.Fatalf("%d %s", res.Status, res.Body)
				}
				m := res.JSON(t)
				wantKeys := []string{"id", "name", "website", "scopes", "redirect_uri", "redirect_uris", "client_id", "client_secret", "client_secret_expires_at", "vapid_key"}
				var keys []string
				for k := range m {
					keys = append(keys, k)
				}
				slices.Sort(keys)
				slices.Sort(wantKeys)
				if !slices.Equal(keys, wantKeys) {
					t.Errorf("keys = %v, want %v", keys, wantKeys)
				}
				if id, ok := m["id"].(string); !ok || id == "" {
					t.Errorf("id = %v, want a string", m["id"])
				}
				if m["website"] != tc.website {
					t.Errorf("website = %v, want %v", m["website"], tc.website)
				}
				if got := strs(m["redirect_uris"]); !slices.Equal(got, tc.redirects) {
					t.Errorf("redirect_uris = %v, want %v", got, tc.redirects)
				}
				if m["redirect_uri"] != strings.Join(tc.redirects, "\n") {
					t.Errorf("redirect_uri = %q", m["redirect_uri"])
				}
				if got := strs(m["scopes"]); !slices.Equal(got, tc.scopes) {
					t.Errorf("scopes = %v, want %v", got, tc.scopes)
				}
				if m["client_secret_expires_at"] != float64(0) || m["vapid_key"] != "" || len(m["client_id"].(string)) < 32 || len(m["client_secret"].(string)) < 32 {
					t.Errorf("credentials = %v", m)
				}
				// The app's token can verify its credentials, without secrets.
				tok := app{ID: m["client_id"].(string), Secret: m["client_secret"].(string)}.token(t, srv, url.Values{"grant_type": {"client_credentials"}, "scope": {strings.Join(tc.scopes, " ")}})
				if tok.Status != 200 {
					t.Fatalf("client_credentials: %d %s", tok.Status, tok.Body)
				}
				vc := api.get("/api/v1/apps/verify_credentials", bearer(tok.JSON(t)["access_token"].(string)))
				v := vc.JSON(t)
				if vc.Status != 200 || v["name"] != m["name"] || v["id"] != m["id"] || v["client_secret"] != nil || v["client_id"] != nil || v["vapid_key"] != "" {
					t.Errorf("verify_credentials: %d %s", vc.Status, vc.Body)
				}
			})
		}

		for _, tc := range []struct {
			name string
			body map[string]any
			msg  string
		}{
			{"no name", map[string]any{"redirect_uris": oauthcore.OOB}, "client_name"},
			{"long name", map[string]any{"client_name": strings.Repeat("n", 61), "redirect_uris": oauthcore.OOB}, "client_name"},
			{"no redirect", map[string]any{"client_name": "x"}, "redirect_uris"},
			{"relative redirect", map[string]any{"client_name": "x", "redirect_uris": "/cb"}, "redirect_uri"},
			{"javascript redirect", map[string]any{"client_name": "x", "redirect_uris": []string{oauthcore.OOB, "javascript:alert(1)"}}, "redirect_uri"},
			{"fragment", map[string]any{"client_name": "x", "redirect_uris": "https://a.example/cb#x"}, "redirect_uri"},
			{"unknown scope", map[string]any{"client_name": "x", "redirect_uris": oauthcore.OOB, "scopes": "read nonsense"}, "scopes"},
			{"bad website", map[string]any{"client_name": "x", "redirect_uris": oauthcore.OOB, "website": "javascript:alert(1)"}, "website"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := api.postJSON("/api/v1/apps", tc.body, nil)
				if res.Status != http.StatusUnprocessableEntity {
					t.Fatalf("%d %s, want 422", res.Status, res.Body)
				}
				if msg, _ := res.JSON(t)["error"].(string); !strings.HasPrefix(msg, "Validation failed: ") || !strings.Contains(msg, tc.msg) {
					t.Errorf("error = %q, want a validation message about %s", msg, tc.msg)
				}
			})
		}
		t.Run("broken JSON", func(t *testing.T) {
			res := api.do(http.MethodPost, "/api/v1/apps", "application/json", strings.NewReader(`{"client_name":`), nil)
			if res.Status != 400 || res.JSON(t)["error"] == nil {
				t.Errorf("%d %s", res.Status, res.Body)
			}
		})
		t.Run("verify_credentials needs a token", func(t *testing.T) {
			for _, h := range []map[string]string{nil, bearer("nope"), {"Authorization": "Bearer"}} {
				res := api.get("/api/v1/apps/verify_credentials", h)
				if res.Status != 401 || res.JSON(t)["error"] != "The access token is invalid" {
					t.Errorf("%v: %d %s", h, res.Status, res.Body)
				}
			}
		})
	})
}

// strs turns a decoded JSON array into strings.
func strs(v any) []string {
	var out []string
	b, _ := json.Marshal(v)
	_ = json.Unmarshal(b, &out)
	return out
}

// TestMetadataAndCORS checks the RFC 8414 document and the cross-origin
// headers browser clients need on the token and revocation endpoints.
func TestMetadataAndCORS(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		api := newAPI(t, srv)
		res := api.get("/.well-known/oauth-authorization-server", nil)
		if res.Status != 200 {
			t.Fatalf("%d %s", res.Status, res.Body)
		}
		m := res.JSON(t)
		base := srv.URL
		for k, want := range map[string]string{
			"issuer": base + "/", "authorization_endpoint": base + "/oauth/authorize", "token_endpoint": base + "/oauth/token",
			"app_registration_endpoint": base + "/api/v1/apps", "revocation_endpoint": base + "/oauth/revoke",
			"service_documentation": "https://docs.joinmastodon.org/",
		} {
			if m[k] != want {
				t.Errorf("%s = %v, want %s", k, m[k], want)
			}
		}
		for k, want := range map[string][]string{
			"response_types_supported":              {"code"},
			"response_modes_supported":              {"query"},
			"grant_types_supported":                 {"authorization_code", "client_credentials", "refresh_token", "password"},
			"token_endpoint_auth_methods_supported": {"client_secret_basic", "client_secret_post"},
			"code_challenge_methods_supported":      {"S256", "plain"},
		} {
			if got := strs(m[k]); !slices.Equal(got, want) {
				t.Errorf("%s = %v, want %v", k, got, want)
			}
		}
		if sc := strs(m["scopes_supported"]); !slices.Contains(sc, "read") || !slices.Contains(sc, "write:statuses") || !slices.Contains(sc, "admin:read:accounts") {
			t.Errorf("scopes_supported = %v", sc)
		}

		a := registerApp(t, srv, "read", oauthcore.OOB)
		origin := map[string]string{"Origin": "https://phanpy.example"}
		for _, path := range []string{"/oauth/token", "/oauth/revoke", "/api/v1/apps", "/.well-known/oauth-authorization-server"} {
			pre := api.do(http.MethodOptions, path, "", nil, map[string]string{
				"Origin": "https://phanpy.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type",
			})
			if pre.Status != http.StatusNoContent || pre.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(pre.Header.Get("Access-Control-Allow-Methods"), "POST") {
				t.Errorf("preflight %s: %d %v", path, pre.Status, pre.Header)
			}
		}
		tok := api.postForm("/oauth/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {a.ID}, "client_secret": {a.Secret}}, origin)
		if tok.Status != 200 || tok.Header.Get("Access-Control-Allow-Origin") != "*" || tok.Header.Get("Access-Control-Allow-Credentials") != "" {
			t.Errorf("token with Origin: %d %v", tok.Status, tok.Header)
		}
		rev := api.postForm("/oauth/revoke", url.Values{"client_id": {a.ID}, "client_secret": {a.Secret}, "token": {tok.JSON(t)["access_token"].(string)}}, origin)
		if rev.Status != 200 || rev.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("revoke with Origin: %d %v", rev.Status, rev.Header)
		}
		// The HTML pages are not opened to other origins.
		page := api.get("/oauth/authorize?client_id="+a.ID, origin)
		if page.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("authorize page carries CORS headers")
		}
	})
}
