package jsonbody_test

import (
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/web/jsonbody"
)

func TestWrite(t *testing.T) {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	after := false
	r.GET("/big", func(c *gin.Context) {
		jsonbody.Write(c, http.StatusOK, map[string]string{"a": strings.Repeat("x", 5000)})
	})
	r.GET("/small", func(c *gin.Context) { jsonbody.Write(c, http.StatusAccepted, []string{"<b>"}) })
	r.GET("/typed", func(c *gin.Context) {
		c.Header("Content-Type", "application/activity+json")
		jsonbody.Write(c, http.StatusOK, struct{}{})
	})
	r.GET("/nan", func(c *gin.Context) { jsonbody.Write(c, http.StatusOK, math.NaN()) })
	r.GET("/appender", func(c *gin.Context) { jsonbody.Write(c, http.StatusOK, appender(`{"own":"\u003c"}`)) })
	r.GET("/appenderfails", func(c *gin.Context) { jsonbody.Write(c, http.StatusOK, appender("")) })
	r.GET("/none", func(c *gin.Context) { jsonbody.Write(c, http.StatusNoContent, map[string]int{}) })
	r.GET("/abort", func(c *gin.Context) { jsonbody.Abort(c, http.StatusForbidden, gin.H{"error": "no"}) }, func(*gin.Context) { after = true })
	srv := httptest.NewServer(r)
	defer srv.Close()
	for _, tc := range []struct {
		path, body, contentType string
		status                  int
	}{
		// /small after /big: a pooled buffer carries nothing over.
		{"/big", `{"a":"` + strings.Repeat("x", 5000) + `"}`, "application/json; charset=utf-8", http.StatusOK},
		{"/small", `["\u003cb\u003e"]`, "application/json; charset=utf-8", http.StatusAccepted},
		{"/typed", `{}`, "application/activity+json", http.StatusOK},
		{"/nan", `{"error":"Internal server error"}`, "application/json; charset=utf-8", http.StatusInternalServerError},
		{"/appender", `{"own":"\u003c"}`, "application/json; charset=utf-8", http.StatusOK},
		{"/appenderfails", `{"error":"Internal server error"}`, "application/json; charset=utf-8", http.StatusInternalServerError},
		{"/none", ``, "application/json; charset=utf-8", http.StatusNoContent},
		{"/abort", `{"error":"no"}`, "application/json; charset=utf-8", http.StatusForbidden},
	} {
		res, err := http.Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if res.StatusCode != tc.status || string(body) != tc.body || res.Header.Get("Content-Type") != tc.contentType {
			t.Errorf("%s: %d %q %q, want %d %q %q", tc.path, res.StatusCode, res.Header.Get("Content-Type"), body, tc.status, tc.contentType, tc.body)
		}
	}
	if after {
		t.Error("Abort: the next handler ran")
	}
}

// TestMarshalKeepsItsBytes checks that what Marshal returns is not a view
// of a buffer that later calls reuse, as a cached body must not be.
func TestMarshalKeepsItsBytes(t *testing.T) {
	first, err := jsonbody.Marshal(map[string]string{"account": "first"})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	for i := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 100 {
				_, _ = jsonbody.Marshal(map[string]string{"account": strings.Repeat("x", i)})
			}
		}()
	}
	for range 4 {
		<-done
	}
	if string(first) != `{"account":"first"}` {
		t.Errorf("Marshal's result changed to %s", first)
	}
}

// appender is an Appender that appends itself, or fails when empty.
type appender string

func (a appender) AppendJSON(b []byte) ([]byte, error) {
	if a == "" {
		return b, errors.New("appender: empty")
	}
	return append(b, a...), nil
}

// TestMarshalAppender checks that Marshal uses an Appender's own bytes.
func TestMarshalAppender(t *testing.T) {
	got, err := jsonbody.Marshal(appender(`[1]`))
	if err != nil || string(got) != `[1]` {
		t.Errorf("Marshal(appender) = %s, %v; want [1]", got, err)
	}
}
