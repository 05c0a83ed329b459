// Command rounds runs and administers a Rounds instance.
//
//	rounds serve      run the instance
//	rounds migrate    apply database migrations (--status lists them)
//	rounds admin ...  manage accounts
//	rounds version    print the version
//
// It is the composition root: it reads the configuration (config.go) and
// wires storage, core, federation and web together.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is the Rounds release; builds may set it with
// -ldflags "-X main.version=X.Y.Z".
var version = "0.1.0"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// env bundles what a command may read and write, so tests can run commands
// in-process.
type env struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
}

const usage = `Usage: rounds <command> [flags]

Commands:
  serve                      run the instance (applies pending migrations first)
  migrate [--status]         apply pending migrations, or list applied and pending ones
  admin account create       --username U --email E --password P [--role admin|moderator|member] [--display-name N] [--locked]
  admin account list
  admin account suspend      --username U
  admin account unsuspend    --username U
  admin account password     --username U --password P
  admin account verify       --username U --credential TEXT   verify a physician credential (public)
  admin account unverify     --username U                     revoke it
  admin domain block|unblock --domain D   refuse (or stop refusing) a domain and its subdomains
  admin domain allow|disallow --domain D  list (or unlist) a domain for allowlist mode
  admin domain list
  version                    print the version

Run "rounds <command> --help" for the flags of a command. Every setting can
also come from ROUNDS_* environment variables or a YAML file (--config).
`

// run executes one command line and returns the process exit code: 0 on
// success, 1 when the command failed, 2 when it was called wrongly.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	e := env{getenv: getenv, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = cmdServe(ctx, e, args[1:])
	case "migrate":
		err = cmdMigrate(ctx, e, args[1:])
	case "admin":
		err = cmdAdmin(ctx, e, args[1:])
	case "version", "--version", "-v":
		fmt.Fprintf(stdout, "rounds %s\n", version)
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
	default:
		err = fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "rounds: %v\n\n%s", err, usage)
		return 2
	default:
		fmt.Fprintf(stderr, "rounds: %v\n", err)
		return 1
	}
}
