package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestWireConn: the phases' connection reads every shape of response
// net/http's server sends (a Content-Length body, a chunked one, none,
// Connection: close) to its end, keeps the connection for the next
// request when it can, sends the request as written (method, path,
// token, body), and keeps the start of an unexpected response's body.
func TestWireConn(t *testing.T) {
	big := strings.Repeat("x", 100_000) // past net/http's buffer: chunked
	var conns atomic.Int64
	hs := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/small":
			_, _ = io.WriteString(w, `{"ok":true}`)
		case "/big":
			_, _ = io.WriteString(w, big)
		case "/empty":
			w.WriteHeader(http.StatusNoContent)
		case "/close":
			w.Header().Set("Connection", "close")
			_, _ = io.WriteString(w, "bye")
		case "/post":
			b, _ := io.ReadAll(r.Body)
			if r.Method != http.MethodPost || string(b) != "a=1" || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
				http.Error(w, "bad post", http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "application/json")
		case "/fail":
			http.Error(w, "nope "+big, http.StatusTeapot)
		}
	}))
	hs.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	hs.Start()
	t.Cleanup(hs.Close)

	w, err := newWireConn(context.Background(), hs.URL, time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	for _, tc := range []struct {
		req, body string
		want      int
		status    int
		newConns  int
	}{
		{"/small", "", 200, 200, 1},
		{"/big", "", 200, 200, 1},
		{"/empty", "", 204, 204, 1},
		{"/small", "", 200, 200, 1},
		{"/close", "", 200, 200, 1}, // read whole, then dropped
		{"/small", "", 200, 200, 2}, // dialled again
		{"/post", "a=1", 200, 200, 2},
		{"/fail", "", 200, 418, 2},
		{"/big", "", 200, 200, 2},
	} {
		method, ct := http.MethodGet, ""
		if tc.body != "" {
			method, ct = http.MethodPost, "application/x-www-form-urlencoded"
		}
		status, body, err := w.roundTrip(wireRequest(hs.URL, method, tc.req, "tok", ct, []byte(tc.body)), tc.want)
		if err != nil || status != tc.status {
			t.Fatalf("%s: %d %v, want %d", tc.req, status, err, tc.status)
		}
		if status != tc.want && !strings.HasPrefix(body, "nope xxx") {
			t.Errorf("%s: body %q", tc.req, body)
		}
		if n := conns.Load(); n != int64(tc.newConns) {
			t.Errorf("after %s: %d connections, want %d", tc.req, n, tc.newConns)
		}
	}
	status, _, err := w.roundTrip(wireRequest(hs.URL, http.MethodGet, "/small", "other", "", nil), 200)
	if err != nil || status != http.StatusUnauthorized {
		t.Errorf("wrong token: %d %v", status, err)
	}
}

// TestWireConnOnlyDialsLoopback: the phases' connection refuses any
// address but 127.0.0.1.
func TestWireConnOnlyDialsLoopback(t *testing.T) {
	for _, u := range []string{"http://localhost:1", "http://192.0.2.1:80", "http://[::1]:1", "http://example.org"} {
		if _, err := newWireConn(context.Background(), u, time.Now().Add(time.Second)); !errors.Is(err, errNotLoopback) {
			t.Errorf("%s: %v, want errNotLoopback", u, err)
		}
	}
}

// TestWireConnMalformed: a response that is not HTTP fails the request
// instead of being counted.
func TestWireConnMalformed(t *testing.T) {
	for _, raw := range []string{
		"garbage\r\n\r\n",
		"HTTP/1.1 2x0 OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
	} {
		hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, _, _ := w.(http.Hijacker).Hijack()
			_, _ = fmt.Fprint(c, raw)
			_ = c.Close()
		}))
		w, err := newWireConn(context.Background(), hs.URL, time.Now().Add(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if status, _, err := w.roundTrip(wireRequest(hs.URL, http.MethodGet, "/", "", "", nil), 200); err == nil {
			t.Errorf("%q: status %d, no error", raw, status)
		}
		w.close()
		hs.Close()
	}
}
