package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/storage"
)

// cmdAdminDomain implements "rounds admin domain block|unblock|allow|
// disallow|list": the domain policy federation applies to every inbound
// and outbound activity (federation.Domains).
func cmdAdminDomain(ctx context.Context, e env, args []string) error {
	if len(args) < 1 {
		return fmt.Errorf("%w: admin domain: expected \"admin domain block|unblock|allow|disallow|list\"", errUsage)
	}
	sub, rest := args[0], args[1:]
	fs := newFlagSet("admin domain "+sub, e.stderr)
	load := configFlags(fs, e.getenv)
	var run func(a *app, d *federation.Domains) error
	var domain *string
	switch sub {
	case "block", "unblock", "allow", "disallow":
		domain = fs.String("domain", "", "host name or host:port; a name covers its subdomains (required)")
		policy, on := storage.PolicyBlock, sub == "block"
		if sub == "allow" || sub == "disallow" {
			policy, on = storage.PolicyAllow, sub == "allow"
		}
		run = func(a *app, d *federation.Domains) error {
			changed, err := d.Set(ctx, *domain, policy, on)
			if err != nil {
				return explain(err, *domain)
			}
			verb := map[string]string{"block": "blocked", "unblock": "unblocked", "allow": "allowed", "disallow": "disallowed"}[sub]
			if !changed {
				fmt.Fprintf(e.stdout, "%s was already %s\n", *domain, verb)
				return nil
			}
			fmt.Fprintf(e.stdout, "%s %s\n", verb, *domain)
			if policy == storage.PolicyAllow && a.cfg.Instance.FederationMode != instance.FederationAllowlist {
				fmt.Fprintln(e.stdout, "note: the allowlist applies only with ROUNDS_FEDERATION_MODE=allowlist")
			}
			return nil
		}
	case "list":
		run = func(a *app, d *federation.Domains) error {
			rules, err := d.List(ctx)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintf(w, "DOMAIN\tPOLICY\tSINCE\t(federation mode: %s)\n", a.cfg.Instance.FederationMode)
			for _, r := range rules {
				fmt.Fprintf(w, "%s\t%s\t%s\n", r.Domain, r.Policy, r.CreatedAt.UTC().Format("2006-01-02"))
			}
			return w.Flush()
		}
	default:
		return fmt.Errorf("%w: admin domain: unknown subcommand %q", errUsage, sub)
	}
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	if domain != nil && *domain == "" {
		return fmt.Errorf("%w: %s: --domain is required", errUsage, fs.Name())
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, e)
	if err != nil {
		return err
	}
	defer a.close()
	if err := a.requireMigrated(ctx); err != nil {
		return err
	}
	return run(a, federation.NewDomains(a.store, cfg.Instance))
}
