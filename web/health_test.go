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

func TestHealthAndMetrics(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		for _, tc := range []struct {
			path   string
			status int
			body   string
		}{
			{"/healthz", 200, `"status":"ok"`},
			{"/readyz", 200, `"status":"ok"`},
			{"/metrics", 200, "go_goroutines"},
			{"/no/such/route", 404, `{"error":"Not found"}`},
		} {
			res, err := http.Get(srv.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.status || !strings.Contains(string(b), tc.body) {
				t.Errorf("GET %s = %d %q, want %d containing %q", tc.path, res.StatusCode, b, tc.status, tc.body)
			}
		}
		// After the requests above, the route metrics carry the route pattern.
		res, err := http.Get(srv.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		for _, want := range []string{`rounds_http_requests_total{method="GET",route="/healthz",status="200"} 1`, "go_sql_open_connections", "rounds_http_request_duration_seconds_bucket"} {
			if !strings.Contains(string(b), want) {
				t.Errorf("/metrics lacks %q", want)
			}
		}
	})
}
