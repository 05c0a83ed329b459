package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/rounds-md/rounds/storage"
)

// options are the command-line flags.
type options struct {
	accounts, statuses, follows int
	clients, postClients, users int
	duration, warmup, idle      time.Duration
	timeout                     time.Duration
	db, server, target, dir     string
	pid                         int
	phases                      []string
	jsonOut                     string
	seedOnly, ceiling           bool
}

// Bounds on the flags: the tool is for one machine's measurements, not
// for hammering anything.
const (
	maxAccounts = 100_000
	maxStatuses = 2_000_000
	maxClients  = 256
	maxDuration = 5 * time.Minute
	maxTimeout  = 4 * time.Hour
)

// allPhases are the measurements run by default, in the order they run:
// reads first, so that they see exactly the seeded statuses.
var allPhases = []string{"home", "verify", "post"}

// mixedPhase is the measurement run only when asked for: home timelines
// read while statuses are created, both at once, each with its own
// clients (-clients and -post-clients).
const mixedPhase = "mixed"

// The paths the read phases request.
const (
	homeURI   = "/api/v1/timelines/home?limit=40"
	verifyURI = "/api/v1/accounts/verify_credentials"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "rounds-load:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

// parseOptions reads and checks the flags.
func parseOptions(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("rounds-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.accounts, "accounts", 1000, "N: accounts to seed")
	fs.IntVar(&o.statuses, "statuses", 100_000, "M: statuses to seed, spread over the accounts")
	fs.IntVar(&o.follows, "follows", 100, "F: accounts each account follows")
	fs.IntVar(&o.clients, "clients", 16, "C: concurrent clients for the home timeline and verify_credentials")
	fs.IntVar(&o.postClients, "post-clients", 8, "concurrent clients creating statuses")
	fs.IntVar(&o.users, "users", 64, "seeded accounts that sign in; clients take turns reading their timelines")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "measured time of each phase")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured time before each phase")
	fs.DurationVar(&o.idle, "idle", 3*time.Second, "how long the started server idles before its memory is read")
	fs.DurationVar(&o.timeout, "timeout", time.Hour, "the whole run, seeding included, ends after this")
	fs.StringVar(&o.db, "db", "", "database to seed and serve: sqlite:PATH or a postgres:// URL (required)")
	fs.StringVar(&o.server, "server", "", "rounds binary to start on 127.0.0.1 (start-up time and memory are measured)")
	fs.StringVar(&o.target, "target", "", "instead of -server: a running server, http://127.0.0.1:PORT (rate limits off or exempted)")
	fs.IntVar(&o.pid, "pid", 0, "with -target: the server's process ID, for its memory and CPU")
	fs.StringVar(&o.dir, "dir", "", "folder for the started server's data and log (default: a new temporary folder)")
	phases := fs.String("phases", strings.Join(allPhases, ","), "measurements to run: home, verify, post, mixed (home and post at once)")
	fs.StringVar(&o.jsonOut, "json", "", "also write the results as JSON to this file")
	fs.BoolVar(&o.seedOnly, "seed-only", false, "seed the database and stop")
	fs.BoolVar(&o.ceiling, "ceiling", false, "after the phases, measure the read phases again against a bare net/http server replaying the server's captured answers")
	if err := fs.Parse(args); err != nil {
		return o, errUsage
	}
	bad := func(format string, a ...any) (options, error) {
		return o, fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, a...))
	}
	if fs.NArg() > 0 {
		return bad("unexpected arguments %q", fs.Args())
	}
	if o.db == "" {
		return bad("-db is required")
	}
	switch {
	case o.accounts < 2 || o.accounts > maxAccounts:
		return bad("-accounts must be 2..%d", maxAccounts)
	case o.statuses < 0 || o.statuses > maxStatuses:
		return bad("-statuses must be 0..%d", maxStatuses)
	case o.follows < 0:
		return bad("-follows must not be negative")
	case o.clients < 1 || o.clients > maxClients, o.postClients < 1 || o.postClients > maxClients:
		return bad("-clients and -post-clients must be 1..%d", maxClients)
	case o.users < 1 || o.users > o.accounts:
		return bad("-users must be 1..accounts")
	case o.duration <= 0 || o.duration > maxDuration, o.warmup < 0 || o.warmup > maxDuration:
		return bad("-duration and -warmup must be at most %v", maxDuration)
	case o.timeout <= 0 || o.timeout > maxTimeout:
		return bad("-timeout must be at most %v", maxTimeout)
	case !o.seedOnly && (o.server == "") == (o.target == ""):
		return bad("give -server BINARY or -target http://127.0.0.1:PORT")
	case o.pid != 0 && o.target == "":
		return bad("-pid goes with -target")
	}
	if o.target != "" {
		t, err := checkTarget(o.target)
		if err != nil {
			return bad("%v", err)
		}
		o.target = t
	}
	for _, p := range strings.Split(*phases, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if !slices.Contains(allPhases, p) && p != mixedPhase {
			return bad("-phases: unknown %q (home, verify, post, mixed)", p)
		}
		o.phases = append(o.phases, p)
	}
	return o, nil
}

// report is everything one run measured.
type report struct {
	Date      string        `json:"date"`
	Database  string        `json:"database"`
	GoVersion string        `json:"go_version"`
	CPUs      int           `json:"cpus"`
	LoadAvg   string        `json:"load_average_at_start"`
	Seed      seedReport    `json:"seed"`
	Startup   float64       `json:"startup_ms,omitempty"`
	IdleRSS   int           `json:"idle_rss_kib,omitempty"`
	AfterRSS  int           `json:"after_load_rss_kib,omitempty"`
	PeakRSS   int           `json:"peak_rss_kib,omitempty"`
	HomeSize  int           `json:"home_page_size"`
	Phases    []phaseResult `json:"phases"`
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 2 && args[0] == serveStaticFlag {
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
		return serveStatic(ctx, args[1], stdout)
	}
	o, err := parseOptions(args, stderr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	ctx, stopSignals := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stopSignals()

	rep := report{Date: time.Now().UTC().Format(time.RFC3339), GoVersion: runtime.Version(), CPUs: runtime.NumCPU(), LoadAvg: loadAvg()}
	st, err := storage.Open(ctx, storage.Config{DSN: o.db})
	if err != nil {
		return err
	}
	rep.Database = string(st.Dialect())
	if _, err := st.Migrate(ctx); err != nil {
		_ = st.Close()
		return err
	}
	rep.Seed, err = seed(ctx, st, o, stderr)
	_ = st.Close()
	if err != nil || o.seedOnly {
		return err
	}

	hc := newHTTPClient(max(o.clients, o.postClients))
	base, pid := o.target, o.pid
	if o.server != "" {
		dir := o.dir
		if dir == "" {
			if dir, err = os.MkdirTemp("", "rounds-load-"); err != nil {
				return err
			}
			defer os.RemoveAll(dir)
		}
		srv, startup, err := startServer(ctx, o.server, o.db, dir, hc)
		if err != nil {
			return err
		}
		defer srv.stop()
		base, pid = srv.url, srv.pid()
		rep.Startup = float64(startup.Microseconds()) / 1000
		fmt.Fprintf(stderr, "server: pid %d at %s, first request served after %.1f ms; log in %s\n", pid, base, rep.Startup, srv.logPath)
		select {
		case <-time.After(o.idle):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	rep.IdleRSS = procStatus(pid, "VmRSS")

	a := &api{base: base, hc: hc}
	tokens, err := a.signIn(ctx, o.users)
	if err != nil {
		return err
	}
	var page []json.RawMessage
	h, err := a.get(ctx, homeURI, tokens[0], &page)
	if err != nil {
		return err
	}
	if h.Get("X-RateLimit-Limit") != "" {
		return errors.New("the server rate-limits this tool: run it with ROUNDS_RATE_LIMIT=" + exemptAll + " (or off)")
	}
	rep.HomeSize = len(page)

	for _, name := range o.phases {
		var ps []phase
		switch name {
		case "home":
			ps = []phase{getPhase("home timeline (limit=40)", base, homeURI, o.clients, tokens)}
		case "verify":
			ps = []phase{getPhase("verify_credentials", base, verifyURI, o.clients, tokens)}
		case "post":
			ps = []phase{postPhase("create statuses", base, o.postClients, tokens)}
		case mixedPhase:
			ps = []phase{getPhase("home, while posting", base, homeURI, o.clients, tokens),
				postPhase("posting, while reading", base, o.postClients, tokens)}
		}
		for _, p := range ps {
			fmt.Fprintf(stderr, "measuring %s: %d clients, %v (+%v warm-up)\n", p.name, p.clients, o.duration, o.warmup)
		}
		rep.Phases = append(rep.Phases, runTogether(ctx, ps, base, o.warmup, o.duration, pid)...)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	rep.AfterRSS, rep.PeakRSS = procStatus(pid, "VmRSS"), procStatus(pid, "VmHWM")
	if o.ceiling {
		static, err := ceilingPhases(ctx, a, o, tokens, stderr)
		rep.Phases = append(rep.Phases, static...)
		if err != nil {
			return err
		}
	}
	printReport(stdout, rep)
	if o.jsonOut != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.jsonOut, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	for _, r := range rep.Phases {
		if r.Errors > 0 {
			return fmt.Errorf("%s: %d errors, the first: %s", r.Name, r.Errors, r.FirstError)
		}
	}
	return nil
}

// printReport writes the results as a small table.
func printReport(w io.Writer, r report) {
	fmt.Fprintf(w, "rounds-load %s  database=%s  %s  cpus=%d  load average at start %s\n", r.Date, r.Database, r.GoVersion, r.CPUs, r.LoadAvg)
	if r.Seed.Skipped {
		fmt.Fprintf(w, "seed: seeded before; %d users, %d local statuses\n", r.Seed.Accounts, r.Seed.Statuses)
	} else {
		fmt.Fprintf(w, "seed: %d accounts, %d follows, %d statuses in %.0f s\n", r.Seed.Accounts, r.Seed.Follows, r.Seed.Statuses, r.Seed.Seconds)
	}
	if r.Startup > 0 {
		fmt.Fprintf(w, "start-up to first served request: %.1f ms\n", r.Startup)
	}
	if r.IdleRSS > 0 {
		fmt.Fprintf(w, "server RSS: idle %.1f MiB, after load %.1f MiB, peak %.1f MiB\n",
			float64(r.IdleRSS)/1024, float64(r.AfterRSS)/1024, float64(r.PeakRSS)/1024)
	}
	fmt.Fprintf(w, "home page size: %d statuses\n", r.HomeSize)
	fmt.Fprintf(w, "cores busy: server = the rounds process, tool = rounds-load, machine = every process\n")
	fmt.Fprintf(w, "%-26s %7s %9s %9s %8s %8s %8s %8s %7s %7s %7s  %s\n", "phase", "clients", "requests", "per sec", "p50 ms", "p90 ms", "p99 ms", "max ms", "server", "tool", "machine", "load avg")
	for _, p := range r.Phases {
		fmt.Fprintf(w, "%-26s %7d %9d %9.0f %8.2f %8.2f %8.2f %8.1f %7.2f %7.2f %7.2f  %s\n",
			p.Name, p.Clients, p.Requests, p.PerSec, p.P50, p.P90, p.P99, p.Max, p.ServerCPU, p.ToolCPU, p.MachineCPU, p.LoadAvg)
		if p.Errors > 0 {
			fmt.Fprintf(w, "  %d errors; first: %s\n", p.Errors, p.FirstError)
		}
	}
}
