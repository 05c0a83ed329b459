package oauth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// CSRF design: a double-submit token. The sign-in and consent pages set a
// random token in an HttpOnly, SameSite=Lax cookie (named with the
// __Host- prefix under https, so no other host can plant it) and repeat it
// in a hidden field; a POST must bring both, equal. A POST whose Origin
// header names another origin is refused as well. This needs no
// server-side key, so several processes behind one load balancer agree.
const (
	csrfField  = "authenticity_token"
	csrfMaxAge = 2 * time.Hour
)

// cookieName returns name, with the __Host- prefix when the instance is
// served over https.
func (h *Handler) cookieName(name string) string {
	if h.secure() {
		return "__Host-" + name
	}
	return name
}

// secure reports whether cookies must carry the Secure attribute.
func (h *Handler) secure() bool { return h.inst.Protocol == "https" }

// setCookie sets an HttpOnly, SameSite=Lax cookie on the whole host;
// maxAge < 0 deletes it.
func (h *Handler) setCookie(c *gin.Context, name, value string, maxAge time.Duration) {
	ck := &http.Cookie{
		Name: h.cookieName(name), Value: value, Path: "/",
		HttpOnly: true, Secure: h.secure(), SameSite: http.SameSiteLaxMode,
	}
	if maxAge < 0 {
		ck.MaxAge = -1
	} else {
		ck.MaxAge = int(maxAge.Seconds())
	}
	http.SetCookie(c.Writer, ck)
}

// cookie returns the value of the named cookie, "" when absent.
func (h *Handler) cookie(c *gin.Context, name string) string {
	ck, err := c.Request.Cookie(h.cookieName(name))
	if err != nil {
		return ""
	}
	return ck.Value
}

// csrfToken returns the browser's CSRF token, setting a fresh cookie when
// it has none, for a form about to be rendered.
func (h *Handler) csrfToken(c *gin.Context) string {
	if t := h.cookie(c, "rounds_csrf"); len(t) == 43 {
		return t
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	t := base64.RawURLEncoding.EncodeToString(b)
	h.setCookie(c, "rounds_csrf", t, csrfMaxAge)
	return t
}

// checkCSRF reports whether a form POST is the browser's own: its Origin
// (when sent and not "null") is this instance and its hidden token
// matches the CSRF cookie.
func (h *Handler) checkCSRF(c *gin.Context, formToken string) bool {
	if o := c.GetHeader("Origin"); o != "" && o != "null" && o != h.inst.BaseURL() {
		return false
	}
	cookie := h.cookie(c, "rounds_csrf")
	return cookie != "" && formToken != "" && subtle.ConstantTimeCompare([]byte(cookie), []byte(formToken)) == 1
}
