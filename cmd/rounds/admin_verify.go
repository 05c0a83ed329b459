package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/storage"
)

// adminVerify registers the flags of "admin account verify" and
// "admin account unverify" and returns the action: record (or revoke) the
// verification of a local account's physician credential, made at the
// command line, and queue the actor's Update for other servers (the
// running server's job workers deliver it).
func adminVerify(ctx context.Context, e env, fs *flag.FlagSet, sub string) func(a *app) error {
	username := fs.String("username", "", "the account's username (required)")
	var cred *string
	if sub == "verify" {
		cred = fs.String("credential", "", `what was checked, shown publicly with the badge, e.g. "MD, board-certified in diagnostic radiology (ABR)" (required)`)
	}
	return func(a *app) error {
		// Federated, the credential service queues the actor's Update.
		if _, err := federation.New(ctx, a.cfg.Federation, federation.Deps{Services: a.svc}); err != nil {
			return err
		}
		svc := a.svc.Credentials
		staff := credential.Staff{Via: storage.VerifiedViaCLI}
		if sub == "unverify" {
			if err := svc.Unverify(ctx, staff, *username); err != nil {
				var kind *core.KindError
				if errors.As(err, &kind) { // unknown account, or nothing in force
					return kind
				}
				return explain(err, *username)
			}
			fmt.Fprintf(e.stdout, "verification of @%s revoked\n", *username)
			return nil
		}
		v, err := svc.Verify(ctx, staff, *username, *cred)
		if err != nil {
			return explain(err, *username)
		}
		fmt.Fprintf(e.stdout, "@%s verified as a physician by %s at %s: %s\n",
			*username, v.Issuer, v.VerifiedAt.Format("2006-01-02 15:04:05Z07:00"), v.Credential)
		return nil
	}
}
