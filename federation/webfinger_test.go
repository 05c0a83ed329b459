package federation

import (
	"errors"
	"testing"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/storage"
)

var testInstance = instance.Config{
	Domain: "rounds.example:8443", Protocol: "https", Name: "Rounds Example",
	Description: "An example.", Registrations: instance.RegistrationsApproval,
	FederationMode: instance.FederationOpen, Version: "1.2.3",
}

func TestParseResource(t *testing.T) {
	for _, tc := range []struct {
		resource string
		want     Resource
		err      error
	}{
		{"acct:alice@rounds.example:8443", Resource{Username: "alice"}, nil},
		{"acct:Alice@ROUNDS.example:8443", Resource{Username: "Alice"}, nil},
		{"alice@rounds.example:8443", Resource{Username: "alice"}, nil},
		{"acct:@alice@rounds.example:8443", Resource{Username: "alice"}, nil},
		{"https://rounds.example:8443/users/alice", Resource{Username: "alice"}, nil},
		{"http://rounds.example:8443/users/alice/", Resource{Username: "alice"}, nil},
		{"https://rounds.example:8443/@alice", Resource{Username: "alice"}, nil},
		{"HTTPS://Rounds.Example:8443/@alice", Resource{Username: "alice"}, nil},
		{"acct:rounds.example@rounds.example:8443", Resource{InstanceActor: true}, nil},
		{"https://rounds.example:8443/actor", Resource{InstanceActor: true}, nil},
		// On another domain, or naming no actor: not found.
		{"acct:alice@other.example", Resource{}, core.ErrNotFound},
		{"acct:alice@rounds.example", Resource{}, core.ErrNotFound},
		{"https://other.example/users/alice", Resource{}, core.ErrNotFound},
		{"https://rounds.example:8443/about", Resource{}, core.ErrNotFound},
		{"https://rounds.example:8443/users/alice/inbox", Resource{}, core.ErrNotFound},
		{"https://rounds.example:8443/users/", Resource{}, core.ErrNotFound},
		// Malformed: invalid.
		{"", Resource{}, core.ErrInvalid},
		{"   ", Resource{}, core.ErrInvalid},
		{"acct:", Resource{}, core.ErrInvalid},
		{"acct:alice", Resource{}, core.ErrInvalid},
		{"acct:alice@", Resource{}, core.ErrInvalid},
		{"acct:@rounds.example:8443", Resource{}, core.ErrInvalid},
		{"acct:al ice@rounds.example:8443", Resource{}, core.ErrInvalid},
		{"acct:alice@rounds.example:8443/x", Resource{}, core.ErrInvalid},
		{"alice", Resource{}, core.ErrInvalid},
		{"https://", Resource{}, core.ErrInvalid},
		{"https://user:pw@rounds.example:8443/users/alice", Resource{}, core.ErrInvalid},
		{"https://rounds.example:8443/%zz", Resource{}, core.ErrInvalid},
		{"acct:" + string(make([]byte, 600)) + "@rounds.example:8443", Resource{}, core.ErrInvalid},
	} {
		got, err := ParseResource(testInstance, tc.resource)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("ParseResource(%q) error = %v, want %v", tc.resource, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseResource(%q) = %+v, %v, want %+v", tc.resource, got, err, tc.want)
		}
	}
}

func TestWebFinger(t *testing.T) {
	person := &storage.Account{Username: "alice", ActorType: storage.ActorPerson}
	j, err := WebFinger(testInstance, person)
	if err != nil {
		t.Fatal(err)
	}
	base := "https://rounds.example:8443"
	if j.Subject != "acct:alice@rounds.example:8443" {
		t.Errorf("subject = %q", j.Subject)
	}
	if len(j.Aliases) != 2 || j.Aliases[0] != base+"/users/alice" || j.Aliases[1] != base+"/@alice" {
		t.Errorf("aliases = %q", j.Aliases)
	}
	want := []JRDLink{
		{Rel: "self", Type: "application/activity+json", Href: base + "/users/alice"},
		{Rel: "http://webfinger.net/rel/profile-page", Type: "text/html", Href: base + "/@alice"},
	}
	if len(j.Links) != len(want) || j.Links[0] != want[0] || j.Links[1] != want[1] {
		t.Errorf("links = %+v, want %+v", j.Links, want)
	}

	app := &storage.Account{Username: "rounds.example", ActorType: storage.ActorApplication}
	j, err = WebFinger(testInstance, app)
	if err != nil {
		t.Fatal(err)
	}
	if j.Subject != "acct:rounds.example@rounds.example:8443" || len(j.Links) != 1 ||
		j.Links[0].Href != base+"/actor" || j.Links[0].Rel != "self" {
		t.Errorf("instance actor JRD = %+v", j)
	}

	if _, err := WebFinger(testInstance, &storage.Account{Username: "bob", Domain: "other.example"}); err == nil {
		t.Error("WebFinger of a remote account succeeded")
	}
}
