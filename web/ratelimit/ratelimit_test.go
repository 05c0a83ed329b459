package ratelimit_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/ratelimit"
	"github.com/rounds-md/rounds/web/webtest"
)

// clock is a settable time source for the limiter.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }

// start is 17:02:30 UTC: inside the 17:00-17:05 window of a 5-minute rule.
var start = time.Date(2026, 11, 27, 17, 2, 30, 0, time.UTC)

// response is what a test reads of one HTTP exchange.
type response struct {
	status int
	header http.Header
	body   string
}

// limits returns the rate-limit headers as "limit/remaining", "" when
// none of the three is present; it fails the test when only some are.
func (r response) limits(t *testing.T) string {
	t.Helper()
	l, rem, reset := r.header.Get("X-RateLimit-Limit"), r.header.Get("X-RateLimit-Remaining"), r.header.Get("X-RateLimit-Reset")
	if l == "" && rem == "" && reset == "" {
		return ""
	}
	if l == "" || rem == "" || reset == "" {
		t.Fatalf("rate-limit headers not all three: %q %q %q", l, rem, reset)
	}
	return l + "/" + rem
}

// reset parses X-RateLimit-Reset, which must be ISO 8601 with a fraction.
func (r response) reset(t *testing.T) time.Time {
	t.Helper()
	s := r.header.Get("X-RateLimit-Reset")
	at, err := time.Parse("2006-01-02T15:04:05.000000Z", s)
	if err != nil {
		t.Fatalf("X-RateLimit-Reset %q is not ISO 8601 with microseconds in UTC: %v", s, err)
	}
	return at
}

// client makes requests from one local address.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

// newClient returns a client whose connections come from the loopback
// address from (such as "127.0.0.2"), so that per-address limits see it
// as a distinct client.
func newClient(t *testing.T, srv *webtest.Server, from string) *client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	tr := &http.Transport{DialContext: d.DialContext}
	t.Cleanup(tr.CloseIdleConnections)
	return &client{t: t, base: srv.URL, http: &http.Client{Transport: tr}}
}

func (c *client) do(method, path, token string, form url.Values, header map[string]string) response {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(context.Background(), method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

func (c *client) get(path, token string) response { return c.do(http.MethodGet, path, token, nil, nil) }

// token signs username in with the password grant and returns a token
// with the given scopes.
func (c *client) token(username, scope string) string {
	c.t.Helper()
	app := c.do(http.MethodPost, "/api/v1/apps", "", url.Values{
		"client_name": {"ratelimit test"}, "redirect_uris": {"urn:ietf:wg:oauth:2.0:oob"}, "scopes": {scope},
	}, nil)
	var a struct{ ClientID, ClientSecret string }
	if app.status != 200 {
		c.t.Fatalf("register app: %d %s", app.status, app.body)
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(app.body), &raw); err != nil {
		c.t.Fatal(err)
	}
	a.ClientID, a.ClientSecret = raw["client_id"].(string), raw["client_secret"].(string)
	tok := c.do(http.MethodPost, "/oauth/token", "", url.Values{
		"grant_type": {"password"}, "client_id": {a.ClientID}, "client_secret": {a.ClientSecret},
		"username": {username}, "password": {webtest.Password}, "scope": {scope},
	}, nil)
	if tok.status != 200 {
		c.t.Fatalf("token: %d %s", tok.status, tok.body)
	}
	if err := json.Unmarshal([]byte(tok.body), &raw); err != nil {
		c.t.Fatal(err)
	}
	return raw["access_token"].(string)
}

// startLimited runs an instance with cfg's limits on the test clock.
func startLimited(t *testing.T, s *storage.Store, clk *clock, cfg ratelimit.Config, opts ...webtest.Option) *webtest.Server {
	cfg.Now = clk.Now
	return webtest.Start(t, s, append([]webtest.Option{webtest.WithRateLimit(cfg)}, opts...)...)
}

// small are limits a test can exhaust in a few requests.
func small() []ratelimit.Rule {
	return []ratelimit.Rule{
		{Name: "token", Limit: 4, Period: 5 * time.Minute, By: ratelimit.ByToken},
		{Name: "account", Limit: 6, Period: 5 * time.Minute, By: ratelimit.ByAccount},
		{Name: "anonymous", Limit: 3, Period: 5 * time.Minute, By: ratelimit.ByAnonymousIP},
		{Name: "statuses", Limit: 2, Period: 3 * time.Hour, By: ratelimit.ByAccount, Routes: []string{"POST /api/v1/statuses"}},
	}
}

// TestCountdownAndReset: a token's requests carry the three headers
// counting down to 0, the next is refused with 429 and Mastodon's body,
// and the count starts again when the window ends.
func TestCountdownAndReset(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		clk := &clock{now: start}
		srv := startLimited(t, s, clk, ratelimit.Config{Enabled: true, Rules: small()})
		srv.CreateAccount(t, "ana")
		c := newClient(t, srv, "127.0.0.1")
		tok := c.token("ana", "read write")
		windowEnd := time.Date(2026, 11, 27, 17, 5, 0, 0, time.UTC)

		for i, want := range []string{"4/3", "4/2", "4/1", "4/0"} {
			r := c.get("/api/v1/accounts/verify_credentials", tok)
			if r.status != 200 || r.limits(t) != want {
				t.Fatalf("request %d: %d %q, want 200 %q (%s)", i+1, r.status, r.limits(t), want, r.body)
			}
			if !r.reset(t).Equal(windowEnd) {
				t.Errorf("request %d: reset %v, want %v", i+1, r.reset(t), windowEnd)
			}
		}
		r := c.get("/api/v1/accounts/verify_credentials", tok)
		if r.status != http.StatusTooManyRequests || r.body != `{"error":"Too many requests"}` || r.limits(t) != "4/0" {
			t.Fatalf("over the limit: %d %q %q, want 429 {\"error\":\"Too many requests\"} 4/0", r.status, r.body, r.limits(t))
		}
		if !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
			t.Errorf("429 Content-Type %q", r.header.Get("Content-Type"))
		}
		if ra := r.header.Get("Retry-After"); ra != "150" {
			t.Errorf("Retry-After %q, want 150 (seconds to 17:05)", ra)
		}

		// One second before the window ends: still refused.
		clk.Set(windowEnd.Add(-time.Second))
		if r := c.get("/api/v1/accounts/verify_credentials", tok); r.status != 429 {
			t.Fatalf("before reset: %d", r.status)
		}
		// At the reset time, a new window.
		clk.Set(windowEnd)
		r = c.get("/api/v1/accounts/verify_credentials", tok)
		if r.status != 200 || r.limits(t) != "4/3" || !r.reset(t).Equal(windowEnd.Add(5*time.Minute)) {
			t.Fatalf("after reset: %d %q reset %v", r.status, r.limits(t), r.reset(t))
		}
	})
}

// TestPerTokenPerAccountPerAddress: tokens are counted apart and together
// per account; anonymous requests per client address; a bad token counts
// as anonymous; X-Forwarded-For is believed only from a trusted proxy.
func TestPerTokenPerAccountPerAddress(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		clk := &clock{now: start}
		srv := startLimited(t, s, clk, ratelimit.Config{Enabled: true, Rules: small()}, webtest.WithTrustedProxies("127.0.0.9"))
		srv.CreateAccount(t, "ana")
		srv.CreateAccount(t, "ben")
		one := newClient(t, srv, "127.0.0.1")
		two := newClient(t, srv, "127.0.0.2")
		proxy := newClient(t, srv, "127.0.0.9")
		// Apps are registered from another address, so that "one" starts
		// with no anonymous requests counted.
		setup := newClient(t, srv, "127.0.0.4")
		tokA1, tokA2, tokB := setup.token("ana", "read"), setup.token("ana", "read"), setup.token("ben", "read")

		step := func(name string, c *client, token string, header map[string]string, status int, limits string) {
			t.Helper()
			r := c.do(http.MethodGet, "/api/v1/instance", token, nil, header)
			if r.status != status || r.limits(t) != limits {
				t.Fatalf("%s: %d %q, want %d %q (%s)", name, r.status, r.limits(t), status, limits, r.body)
			}
		}
		// Ana's first token: the token rule (4) is the tightest.
		for i, want := range []string{"4/3", "4/2", "4/1", "4/0"} {
			step("ana token 1 #"+strconv.Itoa(i+1), one, tokA1, nil, 200, want)
		}
		step("ana token 1 over", one, tokA1, nil, 429, "4/0")
		// Her second token has its own 4, but her account has 6 in all
		// and 4 are spent (a request refused by one rule is not counted
		// by the rules after it).
		step("ana token 2 #1", one, tokA2, nil, 200, "6/1")
		step("ana token 2 #2", one, tokA2, nil, 200, "6/0")
		step("ana token 2 over account", one, tokA2, nil, 429, "6/0")
		// Ben is untouched, from the same address.
		step("ben", one, tokB, nil, 200, "4/3")

		// Anonymous: 3 per address. A made-up token is anonymous.
		step("anon 1", one, "", nil, 200, "3/2")
		step("anon 2, bad token", one, "made-up", nil, 200, "3/1")
		step("anon 3", one, "", nil, 200, "3/0")
		step("anon 4", one, "", nil, 429, "3/0")
		// Another address has its own count.
		step("other address", two, "", nil, 200, "3/2")
		// An untrusted peer cannot pick its address with X-Forwarded-For.
		step("spoofed", one, "", map[string]string{"X-Forwarded-For": "203.0.113.7"}, 429, "3/0")
		// A trusted proxy's X-Forwarded-For names the client.
		step("via proxy", proxy, "", map[string]string{"X-Forwarded-For": "203.0.113.7"}, 200, "3/2")
		step("via proxy again", proxy, "", map[string]string{"X-Forwarded-For": "203.0.113.7"}, 200, "3/1")
		step("via proxy, other client", proxy, "", map[string]string{"X-Forwarded-For": "203.0.113.8"}, 200, "3/2")
	})
}

// TestRouteRule: posting has its own stricter limit, whose figures the
// headers show on POST /api/v1/statuses; a refused post stores nothing;
// reading is not counted against it.
func TestRouteRule(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		clk := &clock{now: start}
		rules := small()
		rules[0].Limit, rules[1].Limit = 100, 100
		srv := startLimited(t, s, clk, ratelimit.Config{Enabled: true, Rules: rules})
		ana := srv.CreateAccount(t, "ana")
		c := newClient(t, srv, "127.0.0.1")
		tok := c.token("ana", "read write")
		post := func() response {
			return c.do(http.MethodPost, "/api/v1/statuses", tok, url.Values{"status": {"Grand rounds at noon."}}, nil)
		}
		for i, want := range []string{"2/1", "2/0"} {
			if r := post(); r.status != 200 || r.limits(t) != want {
				t.Fatalf("post %d: %d %q, want 200 %q (%s)", i+1, r.status, r.limits(t), want, r.body)
			}
		}
		r := post()
		if r.status != 429 || r.limits(t) != "2/0" || r.body != `{"error":"Too many requests"}` {
			t.Fatalf("third post: %d %q %s", r.status, r.limits(t), r.body)
		}
		if want := time.Date(2026, 11, 27, 18, 0, 0, 0, time.UTC); !r.reset(t).Equal(want) {
			t.Errorf("statuses reset %v, want %v (3-hour windows)", r.reset(t), want)
		}
		// Reads go on under the general limit: 100 - 4 requests so far.
		if r := c.get("/api/v1/accounts/verify_credentials", tok); r.status != 200 || r.limits(t) != "100/96" {
			t.Fatalf("read after posting: %d %q", r.status, r.limits(t))
		}
		sts, err := s.AccountStatuses(context.Background(), ana.ID, storage.AccountStatusFilter{Visibilities: []string{"public", "unlisted", "private", "direct"}}, storage.Page{Limit: 10})
		if err != nil || len(sts) != 2 {
			t.Fatalf("stored statuses: %d (err %v), want 2: the refused post must not be stored", len(sts), err)
		}
	})
}

// TestExemptOffAndOutsideAPI: exempt addresses and a limiter that is off
// get no headers and no 429s; nor do paths outside /api/.
func TestExemptOffAndOutsideAPI(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		for _, tc := range []struct {
			name    string
			cfg     ratelimit.Config
			from    string
			limited bool
		}{
			{"exempt range", ratelimit.Config{Enabled: true, Rules: small(), Exempt: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/30")}}, "127.0.0.2", false},
			{"outside the exempt range", ratelimit.Config{Enabled: true, Rules: small(), Exempt: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/30")}}, "127.0.0.5", true},
			{"off", ratelimit.Config{Enabled: false, Rules: small()}, "127.0.0.1", false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				clk := &clock{now: start}
				srv := startLimited(t, s, clk, tc.cfg)
				c := newClient(t, srv, tc.from)
				for i := 0; i < 5; i++ {
					r := c.get("/api/v1/instance", "")
					switch {
					case !tc.limited && (r.status != 200 || r.limits(t) != ""):
						t.Fatalf("request %d: %d %q, want 200 without headers", i+1, r.status, r.limits(t))
					case tc.limited && i < 3 && r.status != 200, tc.limited && i >= 3 && r.status != 429:
						t.Fatalf("request %d: %d, want the limit at 3", i+1, r.status)
					}
				}
				// Outside /api/ nothing is counted or announced.
				if r := c.get("/healthz", ""); r.status != 200 || r.limits(t) != "" {
					t.Fatalf("/healthz: %d %q", r.status, r.limits(t))
				}
			})
		}
	})
}

// TestDefaultRules: with Mastodon's defaults, a token's API requests
// announce 300 per 5 minutes and anonymous requests 300 per address;
// posting counts against both the token's 300 per 5 minutes and the
// account's 300 statuses per 3 hours, and the headers show the tighter.
func TestDefaultRules(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		clk := &clock{now: start}
		srv := startLimited(t, s, clk, ratelimit.DefaultConfig())
		srv.CreateAccount(t, "ana")
		c := newClient(t, srv, "127.0.0.1")
		tok := c.token("ana", "read write")
		// The app registration in c.token was the address's first.
		if r := c.get("/api/v1/instance", ""); r.limits(t) != "300/298" {
			t.Errorf("anonymous: %q", r.limits(t))
		}
		if r := c.get("/api/v1/accounts/verify_credentials", tok); r.limits(t) != "300/299" {
			t.Errorf("token: %q", r.limits(t))
		}
		fiveMinutes, threeHours := time.Date(2026, 11, 27, 17, 5, 0, 0, time.UTC), time.Date(2026, 11, 27, 18, 0, 0, 0, time.UTC)
		r := c.do(http.MethodPost, "/api/v1/statuses", tok, url.Values{"status": {"Hello."}}, nil)
		if r.status != 200 || r.limits(t) != "300/298" || !r.reset(t).Equal(fiveMinutes) {
			t.Errorf("post: %d %q %v, want the token's 300/298 until %v", r.status, r.limits(t), r.reset(t), fiveMinutes)
		}
		// In the next 5-minute window the token has 299 left, and the
		// 3-hour statuses window (299 left too, after one post) ends later;
		// with equal room left the first rule wins, so post again to make
		// statuses the tighter: 298 against the token's 299.
		clk.Set(fiveMinutes)
		r = c.do(http.MethodPost, "/api/v1/statuses", tok, url.Values{"status": {"Hello again."}}, nil)
		if r.status != 200 || r.limits(t) != "300/298" || !r.reset(t).Equal(threeHours) {
			t.Errorf("second post: %d %q %v, want the statuses rule's 300/298 until %v", r.status, r.limits(t), r.reset(t), threeHours)
		}
		// Deleting has 30 per 30 minutes; reading the same route does not count there.
		var st struct{ ID string }
		if err := json.Unmarshal([]byte(r.body), &st); err != nil || st.ID == "" {
			t.Fatalf("posted status: %q (%v)", r.body, err)
		}
		if r := c.get("/api/v1/statuses/"+st.ID, tok); r.status != 200 || r.limits(t) != "300/298" {
			t.Errorf("get status: %d %q, want the token's 300/298 (its second request this window)", r.status, r.limits(t))
		}
		r = c.do(http.MethodDelete, "/api/v1/statuses/"+st.ID, tok, nil, nil)
		if halfHour := time.Date(2026, 11, 27, 17, 30, 0, 0, time.UTC); r.status != 200 || r.limits(t) != "30/29" || !r.reset(t).Equal(halfHour) {
			t.Errorf("delete: %d %q %v, want the delete rule's 30/29 until %v", r.status, r.limits(t), r.reset(t), halfHour)
		}
	})
}

// TestMaxKeys: when the counter table is full, new clients pass uncounted
// (without headers) and known ones keep their counts; a new window frees
// the table.
func TestMaxKeys(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		clk := &clock{now: start}
		srv := startLimited(t, s, clk, ratelimit.Config{Enabled: true, Rules: small(), MaxKeys: 2})
		a, b, c := newClient(t, srv, "127.0.0.1"), newClient(t, srv, "127.0.0.2"), newClient(t, srv, "127.0.0.3")
		for _, step := range []struct {
			c    *client
			want string
		}{{a, "3/2"}, {b, "3/2"}, {c, ""}, {a, "3/1"}} {
			if r := step.c.get("/api/v1/instance", ""); r.status != 200 || r.limits(t) != step.want {
				t.Fatalf("%s: %d %q, want %q", step.c.base, r.status, r.limits(t), step.want)
			}
		}
		clk.Set(start.Add(5 * time.Minute))
		if r := c.get("/api/v1/instance", ""); r.limits(t) != "3/2" {
			t.Fatalf("after the window: %q, want the third client counted", r.limits(t))
		}
	})
}
