package mastodon_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/ratelimit"
	"github.com/rounds-md/rounds/web/webtest"
)

// TestUncleanPaths: a path with repeated slashes or dot segments (a client
// whose base URL ends in "/" sends "//api/v1/...") is served as its clean
// form, and the token, the rate limits and CORS apply to it as to the
// clean one: none is passed by because the path as sent does not start
// with "/api/".
func TestUncleanPaths(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s, webtest.WithRateLimit(ratelimit.DefaultConfig()))
		alice := signIn(t, srv, "alice", "read")
		for _, tc := range []struct {
			path, token string
			status      int
			body        string
		}{
			{"/api/v1/accounts/verify_credentials", alice.token, 200, `"username":"alice"`},
			{"//api/v1/accounts/verify_credentials", alice.token, 200, `"username":"alice"`},
			{"/api//v1/accounts/verify_credentials", alice.token, 200, `"username":"alice"`},
			{"/api/v1/./accounts/verify_credentials", alice.token, 200, `"username":"alice"`},
			{"/static/../api/v1/accounts/verify_credentials", alice.token, 200, `"username":"alice"`},
			{"//api/v1/accounts/verify_credentials", "", 401, `{"error":"The access token is invalid"}`},
			{"//api/v1/accounts/verify_credentials", "wrong", 401, `{"error":"The access token is invalid"}`},
			{"//api/v1/instance/", "", 200, `"uri":`},
			{"/api/v1/instance/.", "", 200, `"uri":`},
			{"//.well-known/nodeinfo", "", 200, `"links":`},
			{"//no//such/route", "", 404, `{"error":"Not found"}`},
		} {
			req, err := http.NewRequest(http.MethodGet, srv.URL+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			req.Header.Set("Origin", "https://elk.zone")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.status || !strings.Contains(string(b), tc.body) {
				t.Errorf("GET %s = %d %.200s, want %d containing %s", tc.path, res.StatusCode, b, tc.status, tc.body)
			}
			if tc.status == 404 {
				continue
			}
			if strings.Contains(tc.path, "api/") && res.Header.Get("X-RateLimit-Limit") == "" {
				t.Errorf("GET %s: no X-RateLimit-Limit: the limiter passed it by", tc.path)
			}
			if res.Header.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("GET %s: Access-Control-Allow-Origin %q, want *", tc.path, res.Header.Get("Access-Control-Allow-Origin"))
			}
		}
	})
}
