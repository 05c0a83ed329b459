package mastodon

import (
	"bytes"
	"errors"
	"mime/multipart"

	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/storage"
)

func bindRequest(t *testing.T, method, target, contentType, body string) (params, error) {
	t.Helper()
	gin.SetMode(gin.ReleaseMode)
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		c.Request.Header.Set("Content-Type", contentType)
	}
	return bind(c)
}

func multipartBody(fields [][2]string) (string, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range fields {
		_ = w.WriteField(f[0], f[1])
	}
	_ = w.Close()
	return w.FormDataContentType(), buf.String()
}

// The same parameters in every encoding clients use bind alike.
func TestBindEncodings(t *testing.T) {
	mpType, mpBody := multipartBody([][2]string{
		{"status", "hi"}, {"media_ids[]", "1"}, {"media_ids[]", "2"}, {"poll[options][]", "a"},
		{"poll[options][]", "b"}, {"poll[expires_in]", "300"}, {"sensitive", "True"},
	})
	for _, tc := range []struct {
		name, ct, body string
	}{
		{"json", "application/json", `{"status":"hi","media_ids":["1","2"],"poll":{"options":["a","b"],"expires_in":300},"sensitive":true,"language":null}`},
		{"json with charset", "application/json; charset=utf-8", `{"status":"hi","media_ids":[1,2],"poll":{"options":["a","b"],"expires_in":300},"sensitive":"1"}`},
		{"form", "application/x-www-form-urlencoded", "status=hi&media_ids%5B%5D=1&media_ids%5B%5D=2&poll%5Boptions%5D%5B%5D=a&poll%5Boptions%5D%5B%5D=b&poll%5Bexpires_in%5D=300&sensitive=on"},
		{"multipart", mpType, mpBody},
		{"indexed form", "application/x-www-form-urlencoded", "status=hi&media_ids%5B1%5D=2&media_ids%5B0%5D=1&poll%5Boptions%5D%5B%5D=a&poll%5Boptions%5D%5B%5D=b&poll%5Bexpires_in%5D=300&sensitive=yes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := bindRequest(t, "POST", "/api/v1/statuses?visibility=private", tc.ct, tc.body)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.text("status"); got != "hi" {
				t.Errorf("status = %q", got)
			}
			if got := p.list("media_ids"); !reflect.DeepEqual(got, []string{"1", "2"}) {
				t.Errorf("media_ids = %v", got)
			}
			if got := p.list("poll[options]"); !reflect.DeepEqual(got, []string{"a", "b"}) {
				t.Errorf("poll[options] = %v", got)
			}
			if got := p.text("poll[expires_in]"); got != "300" {
				t.Errorf("poll[expires_in] = %q", got)
			}
			if v, set, err := p.boolean("sensitive"); !v || !set || err != nil {
				t.Errorf("sensitive = %v %v %v", v, set, err)
			}
			if _, ok := p.opt("language"); ok {
				t.Errorf("language should be absent")
			}
			if got := p.text("visibility"); got != "private" {
				t.Errorf("query parameter lost: visibility = %q", got)
			}
		})
	}
}

func TestBindBodyOverridesQuery(t *testing.T) {
	p, err := bindRequest(t, "POST", "/x?limit=5&a=q", "application/x-www-form-urlencoded", "a=b")
	if err != nil {
		t.Fatal(err)
	}
	if p.text("a") != "b" || p.text("limit") != "5" {
		t.Errorf("params = %v", p)
	}
}

func TestBindBadBodies(t *testing.T) {
	for _, body := range []string{`{"status":`, `["a"]`, `"x"`} {
		if _, err := bindRequest(t, "POST", "/x", "application/json", body); !errors.Is(err, errBadBody) {
			t.Errorf("body %s: err = %v", body, err)
		}
	}
	if p, err := bindRequest(t, "POST", "/x", "application/json", ""); err != nil || len(p) != 0 {
		t.Errorf("empty JSON body: %v %v", p, err)
	}
}

func TestBoolean(t *testing.T) {
	for _, tc := range []struct {
		in       string
		val, set bool
		invalid  bool
	}{
		{"true", true, true, false}, {"True", true, true, false}, {"1", true, true, false}, {"on", true, true, false},
		{"false", false, true, false}, {"False", false, true, false}, {"0", false, true, false}, {"off", false, true, false},
		{"", false, false, false}, {"None", false, false, false}, {"null", false, false, false},
		{"maybe", false, false, true}, {"2", false, false, true},
	} {
		p := params{"b": {tc.in}}
		v, set, err := p.boolean("b")
		if v != tc.val || set != tc.set || errors.Is(err, core.ErrInvalid) != tc.invalid {
			t.Errorf("boolean(%q) = %v, %v, %v", tc.in, v, set, err)
		}
	}
}

func TestPage(t *testing.T) {
	for _, tc := range []struct {
		q    params
		size pageSize
		want storage.Page
	}{
		{params{}, statusPage, storage.Page{Limit: 20}},
		{params{"limit": {"100"}}, statusPage, storage.Page{Limit: 40}},
		{params{"limit": {"100"}}, accountPage, storage.Page{Limit: 80}},
		{params{"limit": {"0"}}, notificationPage, storage.Page{Limit: 40}},
		{params{"limit": {"x"}, "max_id": {"12"}, "since_id": {"None"}, "min_id": {"abc"}}, statusPage, storage.Page{Limit: 20, MaxID: 12}},
		{params{"limit": {"5"}, "min_id": {"7"}, "since_id": {"3"}}, statusPage, storage.Page{Limit: 5, MinID: 7, SinceID: 3}},
	} {
		if got := tc.q.page(tc.size); got != tc.want {
			t.Errorf("page(%v) = %+v, want %+v", tc.q, got, tc.want)
		}
	}
}

func TestTimeFormat(t *testing.T) {
	for _, tc := range []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 11, 27, 9, 5, 3, 0, time.UTC), `"2026-11-27T09:05:03.000Z"`},
		{time.Date(2026, 11, 27, 9, 5, 3, 123456789, time.FixedZone("X", 3600)), `"2026-11-27T08:05:03.123Z"`},
	} {
		b, _ := Time(tc.in).MarshalJSON()
		if string(b) != tc.want {
			t.Errorf("Time(%v) = %s, want %s", tc.in, b, tc.want)
		}
	}
	b, _ := Date(time.Date(2026, 1, 2, 23, 0, 0, 0, time.UTC)).MarshalJSON()
	if string(b) != `"2026-01-02"` {
		t.Errorf("Date = %s", b)
	}
}
