package federationtest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Delivery is one POST a fake actor's server received at an inbox.
type Delivery struct {
	// Path is the inbox's path: /users/NAME/inbox or the shared /inbox.
	Path string
	// ID and Type are the activity's id and type ("" when unreadable).
	ID, Type string
	// UserAgent names the sending server (and its version).
	UserAgent string
	// Body is the activity as received.
	Body []byte
}

// receive records a POST to the actor's inbox or the shared inbox and
// answers 202, as a server that accepts everything would; any other POST
// is 404. Signatures are not checked: the fake inbox only counts.
func (a *RemoteActor) receive(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/inbox" && r.URL.Path != "/users/"+a.username+"/inbox" {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	var head struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	}
	_ = json.Unmarshal(body, &head)
	a.mu.Lock()
	a.inbox = append(a.inbox, Delivery{Path: r.URL.Path, ID: head.ID, Type: head.Type, UserAgent: r.UserAgent(), Body: body})
	a.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

// Deliveries returns what the actor's server received at its inboxes so
// far, in order of arrival.
func (a *RemoteActor) Deliveries() []Delivery {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]Delivery(nil), a.inbox...)
}

// Beside returns another actor, username, served by a's server: two
// accounts on one remote host, with keys of their own. Its inbox POSTs
// are recorded on it; the shared inbox stays a's.
func (a *RemoteActor) Beside(t testing.TB, username string, style KeyStyle) *RemoteActor {
	t.Helper()
	b := &RemoteActor{Server: a.Server, username: username, style: style, key: NewKey(t), fetches: map[string]int{}}
	a.mu.Lock()
	a.beside = append(a.beside, b)
	a.mu.Unlock()
	return b
}

// besideFor returns the actor added with Beside that a request is for:
// its actor, key or inbox path, or WebFinger of its address.
func (a *RemoteActor) besideFor(r *http.Request) *RemoteActor {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, b := range a.beside {
		p := "/users/" + b.username
		if r.URL.Path == p || strings.HasPrefix(r.URL.Path, p+"/") ||
			(r.URL.Path == "/.well-known/webfinger" && r.URL.Query().Get("resource") == "acct:"+b.Acct()) {
			return b
		}
	}
	return nil
}
