package oauth

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/instance"
)

func testHandler(protocol string) *Handler {
	inst := instance.Config{Domain: "rounds.example", Protocol: protocol, Name: "Rounds"}
	return &Handler{inst: inst, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// TestCookieAttributes: over https the cookies are Secure and use the
// __Host- prefix; over http (local use, tests) neither.
func TestCookieAttributes(t *testing.T) {
	for _, tc := range []struct {
		protocol string
		name     string
		secure   bool
	}{
		{"https", "__Host-rounds_csrf", true},
		{"http", "rounds_csrf", false},
	} {
		t.Run(tc.protocol, func(t *testing.T) {
			h := testHandler(tc.protocol)
			w := httptest.NewRecorder()
			c, _ := gin.CreateTestContext(w)
			c.Request = httptest.NewRequest(http.MethodGet, "/oauth/authorize", nil)
			token := h.csrfToken(c)
			cookies := (&http.Response{Header: w.Header()}).Cookies()
			if len(cookies) != 1 {
				t.Fatalf("cookies = %v", cookies)
			}
			ck := cookies[0]
			if ck.Name != tc.name || ck.Value != token || ck.Secure != tc.secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Domain != "" || ck.MaxAge != int(csrfMaxAge.Seconds()) {
				t.Errorf("cookie = %+v", ck)
			}
		})
	}
}

func TestCheckCSRF(t *testing.T) {
	h := testHandler("https")
	const token = "0123456789012345678901234567890123456789012"
	for _, tc := range []struct {
		name   string
		cookie string
		form   string
		origin string
		ok     bool
	}{
		{"match", token, token, "", true},
		{"match, own origin", token, token, "https://rounds.example", true},
		{"match, null origin", token, token, "null", true},
		{"foreign origin", token, token, "https://evil.example", false},
		{"http origin of an https instance", token, token, "http://rounds.example", false},
		{"no cookie", "", token, "", false},
		{"no field", token, "", "", false},
		{"mismatch", token, strings.Replace(token, "0", "x", 1), "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := gin.CreateTestContext(httptest.NewRecorder())
			c.Request = httptest.NewRequest(http.MethodPost, "/oauth/sign_in", nil)
			if tc.cookie != "" {
				c.Request.AddCookie(&http.Cookie{Name: "__Host-rounds_csrf", Value: tc.cookie})
			}
			if tc.origin != "" {
				c.Request.Header.Set("Origin", tc.origin)
			}
			if got := h.checkCSRF(c, tc.form); got != tc.ok {
				t.Errorf("checkCSRF = %v, want %v", got, tc.ok)
			}
		})
	}
}

func TestWithQuery(t *testing.T) {
	for _, tc := range []struct{ uri, want string }{
		{"https://a.example/cb", "https://a.example/cb?code=c"},
		{"https://a.example/cb?x=1", "https://a.example/cb?x=1&code=c"},
		{"com.tapbots.Ivory.19300:/request_token/ID", "com.tapbots.Ivory.19300:/request_token/ID?code=c"},
		{"oauth2redirect://com.keylesspalace.tusky/", "oauth2redirect://com.keylesspalace.tusky/?code=c"},
	} {
		if got := withQuery(tc.uri, map[string][]string{"code": {"c"}}); got != tc.want {
			t.Errorf("withQuery(%q) = %q, want %q", tc.uri, got, tc.want)
		}
	}
}

func TestTruthy(t *testing.T) {
	for in, want := range map[string]bool{"true": true, "True": true, "1": true, "on": true, "yes": true,
		"false": false, "False": false, "0": false, "": false, "None": false, "off": false} {
		if got := truthy(in); got != want {
			t.Errorf("truthy(%q) = %v, want %v", in, got, want)
		}
	}
}
