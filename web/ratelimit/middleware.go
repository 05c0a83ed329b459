package ratelimit

import (
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/web/httperr"
	"github.com/rounds-md/rounds/web/oauth"
)

// APIPrefix is what the limits apply to: the Mastodon API, as Mastodon's
// api_request? (pages, OAuth and federation endpoints are not counted;
// sign-in has its own limiter in core/oauth).
const APIPrefix = "/api/"

// MsgTooMany is the 429 body's error, Mastodon's errors.429.
const MsgTooMany = "Too many requests"

// resetFormat is ISO 8601 with microseconds, as Mastodon's iso8601(6);
// clients parse the fraction (strptime "%Y-%m-%dT%H:%M:%S.%fZ").
const resetFormat = "2006-01-02T15:04:05.000000Z07:00"

// Middleware counts each API request and sets X-RateLimit-Limit,
// X-RateLimit-Remaining and X-RateLimit-Reset, or ends it with 429
// {"error":"Too many requests"} (and Retry-After) when it is over a limit.
// It needs to know who is asking, so it must run after the bearer-token
// middleware (web/oauth.Mount runs it there). Exempt clients, requests
// outside APIPrefix, and every request when the limiter is off pass with no
// headers: the three are sent all together or not at all.
//
// The client address is gin's ClientIP, which believes X-Forwarded-For
// only from the configured trusted proxies (ROUNDS_TRUSTED_PROXIES).
func (l *Limiter) Middleware() gin.HandlerFunc {
	if !l.Enabled() {
		return func(c *gin.Context) { c.Next() }
	}
	return func(c *gin.Context) {
		if !strings.HasPrefix(c.Request.URL.Path, APIPrefix) {
			c.Next()
			return
		}
		ip, _ := netip.ParseAddr(c.ClientIP())
		if l.Exempt(ip) {
			c.Next()
			return
		}
		who := identity{ip: ipKey(ip)}
		if a := oauth.FromContext(c); a != nil {
			who.token = a.TokenID
			if a.Account != nil {
				who.account = a.Account.ID
			}
		}
		st, counted := l.take(who, c.Request.Method, c.FullPath())
		if !counted {
			c.Next()
			return
		}
		h := c.Writer.Header()
		h.Set("X-RateLimit-Limit", strconv.Itoa(st.Limit))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(st.Remaining))
		h.Set("X-RateLimit-Reset", st.Reset.UTC().Format(resetFormat))
		if st.Exceeded {
			wait := math.Ceil(st.Reset.Sub(l.now()).Seconds())
			h.Set("Retry-After", strconv.Itoa(int(max(wait, 1))))
			httperr.AbortMessage(c, http.StatusTooManyRequests, MsgTooMany)
			return
		}
		c.Next()
	}
}
