package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Domain policies.
const (
	// PolicyBlock refuses everything from and to a domain and its subdomains.
	PolicyBlock = "block"
	// PolicyAllow lists a domain in allowlist mode.
	PolicyAllow = "allow"
)

// DomainPolicy is one rule about a remote domain: a host[:port] or a
// domain name, which then also covers its subdomains.
type DomainPolicy struct {
	bun.BaseModel `bun:"table:domain_policies"`

	Domain    string    `bun:"domain,pk"`
	Policy    string    `bun:"policy,pk"`
	CreatedAt time.Time `bun:"created_at,notnull"`
}

// AddDomainPolicy stores a rule, in lower case; an existing one is kept.
// It reports whether the rule is new.
func (s *Store) AddDomainPolicy(ctx context.Context, domain, policy string) (bool, error) {
	p := &DomainPolicy{Domain: strings.ToLower(domain), Policy: policy, CreatedAt: time.Now().UTC()}
	res, err := s.idb.NewInsert().Model(p).On("CONFLICT (domain, policy) DO NOTHING").Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("storage: add domain policy: %w", classify(err))
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// RemoveDomainPolicy deletes a rule, reporting whether there was one.
func (s *Store) RemoveDomainPolicy(ctx context.Context, domain, policy string) (bool, error) {
	res, err := s.idb.NewDelete().Model((*DomainPolicy)(nil)).
		Where("domain = ?", strings.ToLower(domain)).Where("policy = ?", policy).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("storage: remove domain policy: %w", classify(err))
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// DomainPolicies lists every rule, by domain.
func (s *Store) DomainPolicies(ctx context.Context) ([]DomainPolicy, error) {
	var out []DomainPolicy
	if err := s.idb.NewSelect().Model(&out).Order("domain ASC", "policy ASC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: domain policies: %w", classify(err))
	}
	return out, nil
}

// DomainPoliciesFor returns the rules about any of domains (lower case).
func (s *Store) DomainPoliciesFor(ctx context.Context, domains []string) ([]DomainPolicy, error) {
	var out []DomainPolicy
	if len(domains) == 0 {
		return out, nil
	}
	if err := s.idb.NewSelect().Model(&out).Where("domain IN (?)", bun.In(domains)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: domain policies: %w", classify(err))
	}
	return out, nil
}
