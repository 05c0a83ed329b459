package instance_test

import (
	"errors"
	"testing"

	"github.com/rounds-md/rounds/core/instance"
)

func TestDefaultProtocol(t *testing.T) {
	for domain, want := range map[string]string{
		"localhost":          "http",
		"localhost:8080":     "http",
		"rounds.localhost":   "http",
		"127.0.0.1":          "http",
		"127.0.0.1:3000":     "http",
		"127.1.2.3:3000":     "http",
		"[::1]:8080":         "http",
		"social.example.org": "https",
		"example.org:8443":   "https",
		"10.0.0.5:8080":      "https", // private, not loopback: others reach it over the network
		"localhost.example":  "https",
		"mylocalhost":        "https",
	} {
		if got := instance.DefaultProtocol(domain); got != want {
			t.Errorf("DefaultProtocol(%q) = %q, want %q", domain, got, want)
		}
	}
}

func valid() instance.Config {
	return instance.Config{
		Domain: "rounds.example.org", Protocol: "https", Name: "Rounds",
		Registrations: instance.RegistrationsApproval, FederationMode: instance.FederationOpen,
	}
}

func TestValidate(t *testing.T) {
	if err := valid().Validate(); err != nil {
		t.Fatalf("a valid config: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func(c *instance.Config)
		key  string
	}{
		{"empty domain", func(c *instance.Config) { c.Domain = "" }, "domain"},
		{"domain with a path", func(c *instance.Config) { c.Domain = "example.org/rounds" }, "domain"},
		{"domain with a scheme", func(c *instance.Config) { c.Domain = "https://example.org" }, "domain"},
		{"domain with a user", func(c *instance.Config) { c.Domain = "me@example.org" }, "domain"},
		{"domain with a space", func(c *instance.Config) { c.Domain = "example org" }, "domain"},
		{"protocol ftp", func(c *instance.Config) { c.Protocol = "ftp" }, "protocol"},
		{"empty protocol", func(c *instance.Config) { c.Protocol = "" }, "protocol"},
		{"registrations maybe", func(c *instance.Config) { c.Registrations = "maybe" }, "registrations"},
		{"federation mode x", func(c *instance.Config) { c.FederationMode = "x" }, "federation_mode"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := valid()
			tc.edit(&c)
			err := c.Validate()
			var fe *instance.FieldError
			if !errors.As(err, &fe) || fe.Key != tc.key {
				t.Errorf("Validate = %v, want a FieldError for %s", err, tc.key)
			}
		})
	}
	for _, ok := range []func(c *instance.Config){
		func(c *instance.Config) { c.Domain = "localhost:8080"; c.Protocol = "http" },
		func(c *instance.Config) { c.Registrations = instance.RegistrationsClosed },
		func(c *instance.Config) { c.Registrations = instance.RegistrationsOpen },
		func(c *instance.Config) { c.FederationMode = instance.FederationAllowlist },
	} {
		c := valid()
		ok(&c)
		if err := c.Validate(); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
}

func TestURLs(t *testing.T) {
	c := valid()
	local := instance.Config{Domain: "localhost:8080", Protocol: "http"}
	for _, tc := range []struct{ got, want string }{
		{c.BaseURL(), "https://rounds.example.org"},
		{c.ActorURL("alice"), "https://rounds.example.org/users/alice"},
		{c.ProfileURL("alice"), "https://rounds.example.org/@alice"},
		{c.InstanceActorURL(), "https://rounds.example.org/actor"},
		{c.Acct("alice"), "alice@rounds.example.org"},
		{c.Host(), "rounds.example.org"},
		{local.BaseURL(), "http://localhost:8080"},
		{local.ActorURL("bob"), "http://localhost:8080/users/bob"},
		{local.Acct("bob"), "bob@localhost:8080"},
		{local.Host(), "localhost"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
