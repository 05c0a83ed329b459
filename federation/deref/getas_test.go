package deref_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/rounds-md/rounds/federation/deref"
	"github.com/rounds-md/rounds/federation/federationtest"
)

// GetAs signs with the signer it is given, not the Client's, and follows
// no redirect: a signature naming a person reaches only the server asked.
func TestGetAs(t *testing.T) {
	instance, _ := federationtest.NewSigner(t, "http://rounds.test/actor#main-key")
	person, _ := federationtest.NewSigner(t, "http://rounds.test/users/kim#main-key")
	var (
		mu     sync.Mutex
		keyIDs []string
	)
	seen := func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := keyIDs
		keyIDs = nil
		return out
	}
	s := newServer(t)
	signedBy := func(next http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			sig := r.Header.Get("Signature")
			i := strings.Index(sig, `keyId="`)
			if i < 0 {
				http.Error(w, "unsigned", http.StatusUnauthorized)
				return
			}
			rest := sig[i+len(`keyId="`):]
			mu.Lock()
			keyIDs = append(keyIDs, rest[:strings.IndexByte(rest, '"')])
			mu.Unlock()
			next(w, r)
		}
	}
	s.start(map[string]http.HandlerFunc{
		"/users/alice": signedBy(doc("application/activity+json", s.URL+"/users/alice")),
		"/old/alice":   signedBy(redirect(s.URL + "/users/alice")),
	})
	c := deref.NewClient(lab, instance)
	d, err := c.GetAs(context.Background(), s.URL+"/users/alice", person)
	if err != nil || d.ID != s.URL+"/users/alice" {
		t.Fatalf("GetAs = %+v, %v", d, err)
	}
	if got := seen(); len(got) != 1 || got[0] != person.KeyID() {
		t.Fatalf("signed with %v, want %s", got, person.KeyID())
	}
	if _, err := c.GetAs(context.Background(), s.URL+"/old/alice", person); !errors.Is(err, deref.ErrStatus) {
		t.Fatalf("GetAs through a redirect = %v, want ErrStatus", err)
	}
	if got := seen(); len(got) != 1 {
		t.Fatalf("the redirect was followed: %v", got)
	}
	// The Client's own Get still signs as the instance.
	_, err = c.Get(context.Background(), s.URL+"/users/alice")
	if got := seen(); err != nil || len(got) != 1 || got[0] != instance.KeyID() {
		t.Fatalf("Get signed with %v, %v", got, err)
	}
}
