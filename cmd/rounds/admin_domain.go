package main

import (
	"context"
	"fmt"
	"strings"
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
	sub := args[0]
	// --domain names the remote domain here, so it is taken out before the
	// configuration flags (whose --domain is this instance's own, which
	// then comes from ROUNDS_DOMAIN or the configuration file).
	target, given, rest, err := cutFlag(args[1:], "domain")
	if err != nil {
		return err
	}
	fs := newFlagSet("admin domain "+sub, e.stderr)
	load := configFlags(fs, e.getenv)
	var run func(a *app, d *federation.Domains) error
	domain := &target
	switch sub {
	case "block", "unblock", "allow", "disallow":
		policy, on := storage.PolicyBlock, sub == "block"
		if sub == "allow" || sub == "disallow" {
			policy, on = storage.PolicyAllow, sub == "allow"
		}
		run = func(a *app, d *federation.Domains) error {
			name, err := federation.NormalizeDomain(*domain)
			if err != nil {
				return explain(err, *domain)
			}
			changed, err := d.Set(ctx, name, policy, on)
			if err != nil {
				return explain(err, name)
			}
			*domain = name
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
	if sub != "list" && (!given || *domain == "") {
		return fmt.Errorf("%w: %s: --domain is required (a host name or host:port; a name covers its subdomains)", errUsage, fs.Name())
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

// cutFlag takes --name VALUE (or -name, or --name=VALUE) out of args,
// returning its value, whether it was there, and the other arguments.
func cutFlag(args []string, name string) (string, bool, []string, error) {
	var rest []string
	value, found := "", false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		bare := strings.TrimLeft(a, "-")
		switch {
		case (a == "--"+name || a == "-"+name) && i+1 < len(args):
			value, found = args[i+1], true
			i++
		case a == "--"+name || a == "-"+name:
			return "", false, nil, fmt.Errorf("%w: --%s needs a value", errUsage, name)
		case strings.HasPrefix(a, "-") && strings.HasPrefix(bare, name+"="):
			value, found = strings.TrimPrefix(bare, name+"="), true
		default:
			rest = append(rest, a)
		}
	}
	return value, found, rest, nil
}
