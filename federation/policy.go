package federation

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/storage"
)

// Domains applies the instance's domain policy: blocked domains (and
// their subdomains) are refused in every mode; in allowlist mode only
// allowed domains (and their subdomains) are accepted. A rule names a
// host[:port] or a domain name; a rule without a port covers every port.
type Domains struct {
	store *storage.Store
	inst  instance.Config
	// changed, when set, is called after Set changed a rule (the
	// Federator's own Domains forget the delivery queue's remembered
	// host checks with it).
	changed func()
}

// NewDomains returns the domain policy of inst over store.
func NewDomains(store *storage.Store, inst instance.Config) *Domains {
	return &Domains{store: store, inst: inst}
}

// NormalizeDomain checks and lower-cases a domain given by an operator:
// host or host:port, no scheme, path or user information.
func NormalizeDomain(d string) (string, error) {
	d = strings.ToLower(strings.TrimSpace(d))
	if d == "" || strings.ContainsAny(d, "/@?#* \t") {
		return "", core.Invalid("domain", fmt.Sprintf("%q must be a host name or host:port", d))
	}
	u, err := url.Parse("https://" + d)
	if err != nil || u.Host != d || u.Hostname() == "" {
		return "", core.Invalid("domain", fmt.Sprintf("%q must be a host name or host:port", d))
	}
	return d, nil
}

// candidates are the rule names that apply to host: host:port, the host
// name, and each parent domain of the name (not the top-level one).
func candidates(host string) []string {
	host = strings.ToLower(host)
	out := []string{host}
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
		out = append(out, name)
	}
	if net.ParseIP(strings.Trim(name, "[]")) != nil {
		return out
	}
	for {
		_, rest, ok := strings.Cut(name, ".")
		if !ok || !strings.Contains(rest, ".") {
			return out
		}
		out = append(out, rest)
		name = rest
	}
}

// AllowedHost reports whether Rounds may exchange activities with host
// (host[:port]). This instance's own domain is always allowed.
func (d *Domains) AllowedHost(ctx context.Context, host string) (bool, error) {
	host = strings.ToLower(host)
	if host == "" {
		return false, nil
	}
	if host == strings.ToLower(d.inst.Domain) {
		return true, nil
	}
	rules, err := d.store.DomainPoliciesFor(ctx, candidates(host))
	if err != nil {
		return false, fmt.Errorf("federation: domain policy: %w", err)
	}
	allowed := false
	for _, r := range rules {
		switch r.Policy {
		case storage.PolicyBlock:
			return false, nil
		case storage.PolicyAllow:
			allowed = true
		}
	}
	if d.inst.FederationMode == instance.FederationAllowlist {
		return allowed, nil
	}
	return true, nil
}

// Set adds (on) or removes (off) a rule, reporting whether anything
// changed. Through the Federator's Domains (Federator.Domains) a change
// also takes effect at once for this process's delivery queue: no
// delivery to a newly blocked domain starts after Set returns.
func (d *Domains) Set(ctx context.Context, domain, policy string, on bool) (bool, error) {
	domain, err := NormalizeDomain(domain)
	if err != nil {
		return false, err
	}
	var changed bool
	if on {
		changed, err = d.store.AddDomainPolicy(ctx, domain, policy)
	} else {
		changed, err = d.store.RemoveDomainPolicy(ctx, domain, policy)
	}
	if changed && d.changed != nil {
		d.changed()
	}
	return changed, err
}

// List returns every rule.
func (d *Domains) List(ctx context.Context) ([]storage.DomainPolicy, error) {
	return d.store.DomainPolicies(ctx)
}
