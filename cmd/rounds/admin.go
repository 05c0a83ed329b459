package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/account"
)

// cmdAdmin implements "rounds admin account ..." and "rounds admin domain ...".
func cmdAdmin(ctx context.Context, e env, args []string) error {
	if len(args) >= 1 && args[0] == "domain" {
		return cmdAdminDomain(ctx, e, args[1:])
	}
	if len(args) < 2 || args[0] != "account" {
		return fmt.Errorf("%w: admin: expected \"admin account create|list|suspend|unsuspend|password|verify|unverify\"", errUsage)
	}
	sub, rest := args[1], args[2:]
	fs := newFlagSet("admin account "+sub, e.stderr)
	load := configFlags(fs, e.getenv)
	var run func(a *app) error
	switch sub {
	case "create":
		run = adminCreate(ctx, e, fs)
	case "list":
		run = func(a *app) error { return adminList(ctx, e, a) }
	case "suspend", "unsuspend":
		username := fs.String("username", "", "the account's username (required)")
		run = func(a *app) error {
			if err := a.svc.Accounts.SetSuspended(ctx, *username, sub == "suspend"); err != nil {
				return explain(err, *username)
			}
			fmt.Fprintf(e.stdout, "%sed @%s\n", sub, *username)
			return nil
		}
	case "verify", "unverify":
		run = adminVerify(ctx, e, fs, sub)
	case "password":
		username := fs.String("username", "", "the account's username (required)")
		password := fs.String("password", "", "the new password, at least 8 characters (required)")
		run = func(a *app) error {
			if err := a.svc.Accounts.SetPassword(ctx, *username, *password); err != nil {
				return explain(err, *username)
			}
			fmt.Fprintf(e.stdout, "password changed for @%s\n", *username)
			return nil
		}
	default:
		return fmt.Errorf("%w: admin account: unknown subcommand %q", errUsage, sub)
	}
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	if err := requireFlags(fs, sub); err != nil {
		return err
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
	return run(a)
}

// requireFlags checks that the flags a subcommand needs were given.
func requireFlags(fs *flag.FlagSet, sub string) error {
	need := map[string][]string{
		"create":    {"username", "email", "password"},
		"suspend":   {"username"},
		"unsuspend": {"username"},
		"password":  {"username", "password"},
		"verify":    {"username", "credential"},
		"unverify":  {"username"},
	}[sub]
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, n := range need {
		if !set[n] {
			return fmt.Errorf("%w: %s: --%s is required", errUsage, fs.Name(), n)
		}
	}
	return nil
}

// adminCreate registers the flags of "admin account create" and returns
// the action.
func adminCreate(ctx context.Context, e env, fs *flag.FlagSet) func(a *app) error {
	username := fs.String("username", "", "username, 1-30 letters, digits or underscores (required)")
	email := fs.String("email", "", "e-mail address (required)")
	password := fs.String("password", "", "password, at least 8 characters (required)")
	role := fs.String("role", account.RoleMember, "admin, moderator or member")
	display := fs.String("display-name", "", "display name")
	locked := fs.Bool("locked", false, "require approval of new followers")
	return func(a *app) error {
		acct, err := a.svc.Accounts.Create(ctx, account.NewAccount{
			Username: *username, Email: *email, Password: *password, Role: *role,
			DisplayName: *display, Locked: *locked, Approved: true, Confirmed: true,
		})
		if err != nil {
			return explain(err, *username)
		}
		fmt.Fprintf(e.stdout, "created @%s (id %d, role %s)\n", acct.Username, acct.ID, *role)
		return nil
	}
}

// adminList prints the local accounts as a table.
func adminList(ctx context.Context, e env, a *app) error {
	accts, err := a.svc.Accounts.List(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tUSERNAME\tROLE\tSTATUS\tCREATED")
	for _, acct := range accts {
		role, status := "-", "active"
		if acct.UserID != nil {
			if u, err := a.store.UserByID(ctx, *acct.UserID); err == nil {
				role = u.Role
			}
		}
		if acct.Suspended() {
			status = "suspended"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", acct.ID, acct.Username, role, status, acct.CreatedAt.UTC().Format("2006-01-02"))
	}
	return w.Flush()
}

// explain words core errors for an operator.
func explain(err error, username string) error {
	var inv *core.InvalidError
	var kind *core.KindError
	switch {
	case errors.As(err, &inv):
		return fmt.Errorf("invalid %s", inv.Error())
	case errors.Is(err, core.ErrNotFound):
		return fmt.Errorf("no local account named %q", username)
	case errors.As(err, &kind):
		return kind
	}
	return err
}
