package deref_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/rounds-md/rounds/federation/deref"
	"github.com/rounds-md/rounds/federation/federationtest"
)

func TestParseAcct(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when invalid
	}{
		{"alice@example.org", "alice@example.org"},
		{"@alice@Example.ORG", "alice@example.org"},
		{"acct:alice@example.org", "alice@example.org"},
		{"alice@127.0.0.1:8080", "alice@127.0.0.1:8080"},
		{"alice", ""},
		{"@example.org", ""},
		{"alice@", ""},
		{"alice@example.org/path", ""},
		{"alice@example.org?x", ""},
		{"alice@bob@example.org", ""},
		{"al/ice@example.org", ""},
		{"alice@exa mple.org", ""},
		{"alice@:80", ""},
	}
	for _, tt := range tests {
		a, err := deref.ParseAcct(tt.in)
		if tt.want == "" {
			if !errors.Is(err, deref.ErrInvalidAcct) {
				t.Errorf("ParseAcct(%q) = %v, %v; want ErrInvalidAcct", tt.in, a, err)
			}
			continue
		}
		if err != nil || a.String() != tt.want {
			t.Errorf("ParseAcct(%q) = %v, %v; want %s", tt.in, a, err, tt.want)
		}
	}
}

func TestFingerRemoteActor(t *testing.T) {
	remote := federationtest.NewRemoteActor(t, "alice", federationtest.KeyFragment)
	c := deref.NewClient(lab, nil)
	got, err := c.Finger(context.Background(), "@"+remote.Acct())
	if err != nil {
		t.Fatalf("Finger: %v", err)
	}
	if got != remote.ID() {
		t.Fatalf("Finger = %q, want %q", got, remote.ID())
	}
	if _, err := c.Finger(context.Background(), "nobody@"+remote.Host()); !errors.Is(err, deref.ErrNotFound) {
		t.Fatalf("Finger of an unknown account = %v, want ErrNotFound", err)
	}
}

// jrdHandler answers every WebFinger query with one document.
func jrdHandler(contentType string, doc map[string]any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		_ = json.NewEncoder(w).Encode(doc)
	}
}

func selfLink(typ, href string) map[string]any {
	return map[string]any{"rel": "self", "type": typ, "href": href}
}

func TestFinger(t *testing.T) {
	const jrdType = "application/jrd+json; charset=utf-8"
	tests := []struct {
		name string
		// answer builds the server's answer given its own host.
		answer func(host string) (string, map[string]any)
		want   func(host string) string
		err    error
	}{
		{
			name: "mastodon",
			answer: func(h string) (string, map[string]any) {
				return jrdType, map[string]any{"subject": "acct:alice@" + h, "links": []any{
					map[string]any{"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": "http://" + h + "/@alice"},
					selfLink("application/activity+json", "http://"+h+"/users/alice"),
				}}
			},
			want: func(h string) string { return "http://" + h + "/users/alice" },
		},
		{
			name: "ld+json self link, application/json answer",
			answer: func(h string) (string, map[string]any) {
				return "application/json", map[string]any{"subject": "acct:ALICE@" + h, "links": []any{
					selfLink(`application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, "http://"+h+"/u/alice"),
				}}
			},
			want: func(h string) string { return "http://" + h + "/u/alice" },
		},
		{
			name: "subject of another account on a domain that does not answer",
			answer: func(h string) (string, map[string]any) {
				return jrdType, map[string]any{"subject": "acct:mallory@127.0.0.1:1", "links": []any{selfLink("application/activity+json", "http://"+h+"/users/mallory")}}
			},
			err: deref.ErrSubjectMismatch,
		},
		{
			name: "subject not an acct",
			answer: func(h string) (string, map[string]any) {
				return jrdType, map[string]any{"subject": "https://" + h + "/users/alice", "links": []any{selfLink("application/activity+json", "http://"+h+"/users/alice")}}
			},
			err: deref.ErrSubjectMismatch,
		},
		{
			name: "no ActivityStreams self link",
			answer: func(h string) (string, map[string]any) {
				return jrdType, map[string]any{"subject": "acct:alice@" + h, "links": []any{
					map[string]any{"rel": "self", "type": "text/html", "href": "http://" + h + "/@alice"},
				}}
			},
			err: deref.ErrNoActor,
		},
		{
			name: "self link with a refused scheme",
			answer: func(h string) (string, map[string]any) {
				return jrdType, map[string]any{"subject": "acct:alice@" + h, "links": []any{selfLink("application/activity+json", "ftp://"+h+"/alice")}}
			},
			err: deref.ErrRefusedURL,
		},
		{
			name: "html answer",
			answer: func(h string) (string, map[string]any) {
				return "text/html", map[string]any{"subject": "acct:alice@" + h}
			},
			err: deref.ErrContentType,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			host := s.Listener.Addr().String()
			ct, answer := tt.answer(host)
			var resource string
			s.start(map[string]http.HandlerFunc{"/.well-known/webfinger": func(w http.ResponseWriter, r *http.Request) {
				resource = r.URL.Query().Get("resource")
				jrdHandler(ct, answer)(w, r)
			}})
			got, err := deref.NewClient(lab, nil).Finger(context.Background(), "alice@"+host)
			if resource != "acct:alice@"+host {
				t.Errorf("resource = %q", resource)
			}
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("Finger = %q, %v; want %v", got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want(host) {
				t.Fatalf("Finger = %q, %v; want %q", got, err, tt.want(host))
			}
		})
	}
}

// TestFingerAccountDomain covers GoToSocial's split domains: the account
// domain's WebFinger names the account on another host, which must agree.
func TestFingerAccountDomain(t *testing.T) {
	for _, agree := range []bool{true, false} {
		accountDomain, actorHost := newServer(t), newServer(t)
		ad, ah := accountDomain.Listener.Addr().String(), actorHost.Listener.Addr().String()
		actorID := "http://" + ah + "/users/alice"
		// Asked about alice@ah, the actor host answers with the account domain.
		actorHost.start(map[string]http.HandlerFunc{"/.well-known/webfinger": jrdHandler("application/jrd+json", map[string]any{
			"subject": "acct:alice@" + ad, "links": []any{selfLink("application/activity+json", actorID)},
		})})
		href := actorID
		if !agree {
			href = "http://" + ah + "/users/mallory"
		}
		accountDomain.start(map[string]http.HandlerFunc{"/.well-known/webfinger": jrdHandler("application/jrd+json", map[string]any{
			"subject": "acct:alice@" + ad, "links": []any{selfLink("application/activity+json", href)},
		})})
		got, err := deref.NewClient(lab, nil).Finger(context.Background(), "alice@"+ah)
		if agree && (err != nil || got != actorID) {
			t.Errorf("agreeing domains: Finger = %q, %v; want %s", got, err, actorID)
		}
		if !agree && !errors.Is(err, deref.ErrSubjectMismatch) {
			t.Errorf("disagreeing domains: Finger = %q, %v; want ErrSubjectMismatch", got, err)
		}
	}
}
