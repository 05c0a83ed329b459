package deref_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rounds-md/rounds/federation/deref"
	"github.com/rounds-md/rounds/federation/federationtest"
	"github.com/rounds-md/rounds/federation/signature"
)

// lab is the configuration of a test lab: loopback servers over http.
var lab = deref.Config{AllowPrivateAddresses: true, UserAgent: deref.UserAgent("0.1.0", "http://rounds.test")}

// server serves handlers by path on 127.0.0.1 and counts requests.
type server struct {
	*httptest.Server
	URL  string
	hits atomic.Int64
}

// newServer makes a server whose URL is known before its routes are, so
// that servers may refer to each other; start starts it.
func newServer(t *testing.T) *server {
	t.Helper()
	s := &server{Server: httptest.NewUnstartedServer(nil)}
	s.URL = "http://" + s.Listener.Addr().String()
	t.Cleanup(s.Close)
	return s
}

func (s *server) start(routes map[string]http.HandlerFunc) *server {
	s.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		h, ok := routes[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h(w, r)
	})
	s.Start()
	return s
}

// doc answers with an ActivityStreams document of that id.
func doc(contentType, id string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		fmt.Fprintf(w, `{"@context":"https://www.w3.org/ns/activitystreams","id":%q,"type":"Note"}`, id)
	}
}

// raw answers with a body as an ActivityStreams document.
func raw(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/activity+json")
		fmt.Fprint(w, body)
	}
}

func redirect(to string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusFound) }
}

func TestGet(t *testing.T) {
	ctx := context.Background()
	s, other := newServer(t), newServer(t)
	s.start(map[string]http.HandlerFunc{
		"/ok":       doc("application/activity+json", s.URL+"/ok"),
		"/ldjson":   doc(`application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, s.URL+"/ldjson"),
		"/charset":  doc("application/activity+json; charset=utf-8", s.URL+"/charset"),
		"/profile":  doc("application/activity+json", s.URL+"/users/alice"),
		"/bare-ld":  doc("application/ld+json", s.URL+"/bare-ld"),
		"/json":     doc("application/json", s.URL+"/json"),
		"/html":     doc("text/html", s.URL+"/html"),
		"/foreign":  doc("application/activity+json", "https://victim.example/users/bob"),
		"/other":    doc("application/activity+json", other.URL+"/users/bob"),
		"/no-id":    raw(`{"type":"Note"}`),
		"/array":    raw(`[1,2]`),
		"/urn-id":   doc("application/activity+json", "urn:uuid:1234"),
		"/gone":     func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) },
		"/teapot":   func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) },
		"/r0":       redirect(s.URL + "/r1"),
		"/r1":       redirect(s.URL + "/r2"),
		"/r2":       redirect(s.URL + "/ok"),
		"/to-file":  redirect("file:///etc/passwd"),
		"/to-other": redirect(other.URL + "/x"),
	})
	// other serves, at /x, a document claiming to be s's /to-other.
	other.start(map[string]http.HandlerFunc{"/x": doc("application/activity+json", s.URL+"/to-other")})

	c := deref.NewClient(lab, nil)
	tests := []struct {
		path   string
		wantID string // "" when an error is expected
		err    error
	}{
		{"/ok", s.URL + "/ok", nil},
		{"/ok#main-key", s.URL + "/ok", nil},
		{"/ldjson", s.URL + "/ldjson", nil},
		{"/charset", s.URL + "/charset", nil},
		{"/profile", s.URL + "/users/alice", nil}, // same host: the document's own id
		{"/r1", s.URL + "/ok", nil},               // two redirects
		{"/r0", "", deref.ErrTooManyRedirects},    // three
		{"/bare-ld", "", deref.ErrContentType},
		{"/json", "", deref.ErrContentType},
		{"/html", "", deref.ErrContentType},
		{"/foreign", "", deref.ErrIDMismatch},
		{"/other", "", deref.ErrIDMismatch},
		{"/to-other", "", deref.ErrIDMismatch}, // id == URL asked for, but served by another host
		{"/urn-id", "", deref.ErrIDMismatch},
		{"/no-id", "", deref.ErrInvalidDocument},
		{"/array", "", deref.ErrInvalidDocument},
		{"/missing", "", deref.ErrNotFound},
		{"/gone", "", deref.ErrGone},
		{"/teapot", "", deref.ErrStatus},
		{"/to-file", "", deref.ErrRefusedURL},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			d, err := c.Get(ctx, s.URL+tt.path)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("Get = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if d.ID != tt.wantID {
				t.Errorf("ID = %q, want %q", d.ID, tt.wantID)
			}
		})
	}
}

func TestGetHeaders(t *testing.T) {
	var accept, ua, sig string
	s := newServer(t)
	s.start(map[string]http.HandlerFunc{"/a": func(w http.ResponseWriter, r *http.Request) {
		accept, ua, sig = r.Header.Get("Accept"), r.Header.Get("User-Agent"), r.Header.Get("Signature")
		doc("application/activity+json", s.URL+"/a")(w, r)
	}})
	if _, err := deref.NewClient(lab, nil).Get(context.Background(), s.URL+"/a"); err != nil {
		t.Fatal(err)
	}
	if accept != `application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"` {
		t.Errorf("Accept = %q", accept)
	}
	if ua != "Rounds/0.1.0 (+http://rounds.test)" {
		t.Errorf("User-Agent = %q", ua)
	}
	if sig != "" {
		t.Errorf("an unsigned client sent Signature %q", sig)
	}
}

func TestGetBodyCap(t *testing.T) {
	big := `{"id":"x","pad":"` + strings.Repeat("a", 2048) + `"}`
	s := newServer(t).start(map[string]http.HandlerFunc{
		"/announced": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/activity+json")
			w.Header().Set("Content-Length", fmt.Sprint(len(big)))
			fmt.Fprint(w, big)
		},
		"/chunked": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/activity+json")
			for i := 0; i < len(big); i += 512 {
				fmt.Fprint(w, big[i:min(i+512, len(big))])
				w.(http.Flusher).Flush()
			}
		},
		"/mib": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/activity+json")
			fmt.Fprint(w, `{"id":"x","pad":"`+strings.Repeat("a", deref.DefaultMaxBodyBytes)+`"}`)
		},
	})
	small := lab
	small.MaxBodyBytes = 1024
	for _, path := range []string{"/announced", "/chunked"} {
		if _, err := deref.NewClient(small, nil).Get(context.Background(), s.URL+path); !errors.Is(err, deref.ErrTooLarge) {
			t.Errorf("%s with a 1 KiB cap: %v, want ErrTooLarge", path, err)
		}
	}
	if _, err := deref.NewClient(lab, nil).Get(context.Background(), s.URL+"/mib"); !errors.Is(err, deref.ErrTooLarge) {
		t.Errorf("over 1 MiB with the default cap: %v, want ErrTooLarge", err)
	}
}

func TestGetTimeout(t *testing.T) {
	release := make(chan struct{})
	s := newServer(t).start(map[string]http.HandlerFunc{"/slow": func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}})
	defer close(release)
	cfg := lab
	cfg.Timeout = 100 * time.Millisecond
	_, err := deref.NewClient(cfg, nil).Get(context.Background(), s.URL+"/slow")
	if err == nil || !strings.Contains(err.Error(), "Timeout") && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Get of a server that never answers = %v, want a timeout", err)
	}
}

// TestRefusedAtDial shows that without AllowPrivateAddresses nothing on
// loopback is reached, by address or by a name that resolves to it: the
// check runs on the resolved address when dialling.
func TestRefusedAtDial(t *testing.T) {
	s := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("a refused fetch reached the server: %s", r.URL)
	}))
	defer s.Close()
	port := s.URL[strings.LastIndex(s.URL, ":")+1:]
	c := deref.NewClient(deref.Config{}, nil)
	for _, u := range []string{
		"https://127.0.0.1:" + port + "/users/alice",
		"https://localhost:" + port + "/users/alice",
		"https://[::ffff:127.0.0.1]:" + port + "/users/alice",
	} {
		if _, err := c.Get(context.Background(), u); !errors.Is(err, deref.ErrRefusedAddress) {
			t.Errorf("Get(%s) = %v, want ErrRefusedAddress", u, err)
		}
	}
	if _, err := c.Get(context.Background(), "http://127.0.0.1:"+port+"/"); !errors.Is(err, deref.ErrRefusedURL) {
		t.Errorf("plain http without AllowPrivateAddresses: %v, want ErrRefusedURL", err)
	}
	for _, u := range []string{"ftp://example.com/x", "https://user:pw@example.com/x", "https:///x", "/relative"} {
		if _, err := c.Get(context.Background(), u); !errors.Is(err, deref.ErrRefusedURL) {
			t.Errorf("Get(%s) = %v, want ErrRefusedURL", u, err)
		}
	}
}

// staticKeys resolves one key.
type staticKeys struct{ key *signature.PublicKey }

func (s staticKeys) ResolveKey(_ context.Context, keyID string, _ bool) (*signature.PublicKey, error) {
	if keyID != s.key.ID {
		return nil, fmt.Errorf("unknown key %s", keyID)
	}
	return s.key, nil
}

// TestSignedGet has the server check the instance actor's signature with
// signature.Verifier, on every hop of a redirect.
func TestSignedGet(t *testing.T) {
	const keyID = "http://rounds.test/actor#main-key"
	signer, key := federationtest.NewSigner(t, keyID)
	v := signature.NewVerifier(staticKeys{&signature.PublicKey{ID: keyID, Owner: "http://rounds.test/actor", Key: &key.PublicKey}}, signature.Config{})
	var verified atomic.Int64
	s := newServer(t)
	authorized := func(next http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			res, err := v.Verify(r.Context(), r, nil)
			if err != nil {
				http.Error(w, err.Error(), http.StatusUnauthorized)
				return
			}
			if res.Owner != "http://rounds.test/actor" {
				t.Errorf("owner = %q", res.Owner)
			}
			verified.Add(1)
			next(w, r)
		}
	}
	s.start(map[string]http.HandlerFunc{
		"/users/alice": authorized(doc("application/activity+json", s.URL+"/users/alice")),
		"/old/alice":   authorized(redirect(s.URL + "/users/alice")),
	})
	d, err := deref.NewClient(lab, signer).Get(context.Background(), s.URL+"/old/alice")
	if err != nil {
		t.Fatalf("signed Get: %v", err)
	}
	if d.ID != s.URL+"/users/alice" || verified.Load() != 2 {
		t.Fatalf("ID %q after %d verified hops, want 2", d.ID, verified.Load())
	}
	if _, err := deref.NewClient(lab, nil).Get(context.Background(), s.URL+"/users/alice"); !errors.Is(err, deref.ErrStatus) {
		t.Fatalf("unsigned Get of an authorized-fetch server = %v, want ErrStatus (401)", err)
	}
}
