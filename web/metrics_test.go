package web_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// TestMetricsSeries: each request is counted once under its method,
// route and status, however often the same series was seen before, and
// CORS headers go on every API answer.
func TestMetricsSeries(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		get := func(path string) *http.Response {
			t.Helper()
			res, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			return res
		}
		for range 3 {
			get("/api/v1/instance")
		}
		for range 2 {
			res := get("/api/v1/accounts/verify_credentials") // no token: 401
			if res.StatusCode != 401 || res.Header.Get("Access-Control-Allow-Origin") != "*" ||
				!strings.Contains(res.Header.Get("Access-Control-Expose-Headers"), "X-RateLimit-Remaining") {
				t.Errorf("verify_credentials without a token: %d %v", res.StatusCode, res.Header)
			}
		}
		res, err := http.Get(srv.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		for _, want := range []string{
			`rounds_http_requests_total{method="GET",route="/api/v1/instance",status="200"} 3`,
			`rounds_http_requests_total{method="GET",route="/api/v1/accounts/verify_credentials",status="401"} 2`,
			`rounds_http_request_duration_seconds_count{method="GET",route="/api/v1/instance"} 3`,
		} {
			if !strings.Contains(string(b), want) {
				t.Errorf("/metrics lacks %q", want)
			}
		}
	})
}
