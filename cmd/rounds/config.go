package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/core/oauth"
	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web"
	"github.com/rounds-md/rounds/web/ratelimit"
)

// Config is everything a rounds process is configured with, made of each
// package's own Config. This file is the only reader of the environment.
type Config struct {
	Addr string
	// PprofAddr is the loopback address of the profiling listener; empty
	// turns it off.
	PprofAddr  string
	DataDir    string
	LogLevel   slog.Level
	LogFormat  string
	Storage    storage.Config
	Instance   instance.Config
	Web        web.Config
	Federation federation.Config
	Media      media.Config
	Jobs       job.Config
}

// setting is one configuration value: its YAML key (also the flag name,
// with dashes), its environment variable and its default.
type setting struct {
	key  string
	env  string
	def  string
	help string
}

// settings lists every value rounds reads, in the order --help shows them.
var settings = []setting{
	{"addr", "ROUNDS_ADDR", "127.0.0.1:8080", "listen address"},
	{"domain", "ROUNDS_DOMAIN", "localhost:8080", "host[:port] in every URL and acct:"},
	{"protocol", "ROUNDS_PROTOCOL", "", "https or http (default: http for localhost/127.x domains, else https)"},
	{"data_dir", "ROUNDS_DATA_DIR", "./data", "where the SQLite file and media live"},
	{"db", "ROUNDS_DB", "", "sqlite:PATH or a postgres:// URL (default: sqlite:$ROUNDS_DATA_DIR/rounds.db)"},
	{"instance_name", "ROUNDS_INSTANCE_NAME", "Rounds", "instance name shown to clients and other servers"},
	{"instance_description", "ROUNDS_INSTANCE_DESCRIPTION", "A Rounds instance: a federated professional network for physicians.", "instance description"},
	{"contact_email", "ROUNDS_CONTACT_EMAIL", "", "contact address shown in the instance document"},
	{"registrations", "ROUNDS_REGISTRATIONS", instance.RegistrationsApproval, "closed, approval or open"},
	{"federation_mode", "ROUNDS_FEDERATION_MODE", instance.FederationOpen, "open or allowlist"},
	{"allow_private_addresses", "ROUNDS_ALLOW_PRIVATE_ADDRESSES", "false", "let outbound requests reach loopback/private addresses (tests, labs)"},
	{"authorized_fetch", "ROUNDS_AUTHORIZED_FETCH", "true", "require HTTP signatures on ActivityPub object GETs; unsigned actor GETs get a minimal actor"},
	{"metrics_token", "ROUNDS_METRICS_TOKEN", "", "bearer token required to read /metrics (empty: open)"},
	{"trusted_proxies", "ROUNDS_TRUSTED_PROXIES", "", "comma-separated IPs or CIDRs of reverse proxies whose X-Forwarded-For is believed (empty: none)"},
	{"password_grant", "ROUNDS_PASSWORD_GRANT", "true", "allow the OAuth password grant (toot login_cli, Mastodon.py log_in with a password)"},
	{"media_unattached_grace", "ROUNDS_MEDIA_UNATTACHED_GRACE", "24h", "how long an upload attached to no status is kept before it is deleted (at least 1h)"},
	{"job_workers", "ROUNDS_JOB_WORKERS", "", "background jobs run at once: deliveries, inbox processing, media (default: 16 on PostgreSQL, 4 on SQLite)"},
	{"rate_limit", "ROUNDS_RATE_LIMIT", "on", "API rate limits: on, off, or exempt:CIDR[,CIDR...] (on, except clients in those ranges)"},
	{"log_level", "ROUNDS_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"log_format", "ROUNDS_LOG_FORMAT", "text", "text or json"},
	{"pprof_addr", "ROUNDS_PPROF_ADDR", "", "loopback address serving Go's runtime profiles at /debug/pprof/ (empty: off)"},
}

// configEnv names the variable that points at a YAML configuration file.
const configEnv = "ROUNDS_CONFIG"

// configFlags registers a flag for every setting, plus --config, on fs and
// returns a function that resolves the final Config.
func configFlags(fs *flag.FlagSet, getenv func(string) string) func() (Config, error) {
	flagVals := map[string]*string{}
	for _, s := range settings {
		flagVals[s.key] = fs.String(strings.ReplaceAll(s.key, "_", "-"), "", s.help+" ["+s.env+"]")
	}
	configPath := fs.String("config", "", "YAML configuration file ["+configEnv+"]")
	return func() (Config, error) {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[strings.ReplaceAll(f.Name, "-", "_")] = true })
		path := getenv(configEnv)
		if set["config"] {
			path = *configPath
		}
		var file map[string]string
		if path != "" {
			var err error
			if file, err = readConfigFile(path); err != nil {
				return Config{}, err
			}
		}
		vals := map[string]string{}
		for _, s := range settings {
			v := s.def
			if fv, ok := file[s.key]; ok {
				v = fv
			}
			if ev := getenv(s.env); ev != "" {
				v = ev
			}
			if set[s.key] {
				v = *flagVals[s.key]
			}
			vals[s.key] = v
		}
		return buildConfig(vals)
	}
}

// readConfigFile reads a flat YAML map of setting keys to values.
func readConfigFile(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", configEnv, err)
	}
	raw := map[string]any{}
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", configEnv, path, err)
	}
	known := map[string]bool{}
	for _, s := range settings {
		known[s.key] = true
	}
	out := map[string]string{}
	var unknown []string
	for k, v := range raw {
		if !known[k] {
			unknown = append(unknown, k)
			continue
		}
		switch v.(type) {
		case nil: // "key:" with nothing after it sets the empty string
			out[k] = ""
		case map[string]any, []any:
			return nil, fmt.Errorf("%s: %s: %s must be a single value", configEnv, path, k)
		default:
			out[k] = fmt.Sprint(v)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("%s: %s: unknown keys %s", configEnv, path, strings.Join(unknown, ", "))
	}
	return out, nil
}

// envOf returns the environment variable name of a setting key, for messages.
func envOf(key string) string {
	for _, s := range settings {
		if s.key == key {
			return s.env
		}
	}
	return key
}

// buildConfig validates the merged values, naming the variable at fault.
func buildConfig(v map[string]string) (Config, error) {
	bad := func(key, format string, a ...any) (Config, error) {
		return Config{}, fmt.Errorf("%s: %s", envOf(key), fmt.Sprintf(format, a...))
	}
	var c Config
	c.Addr = v["addr"]
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return bad("addr", "%q is not host:port", c.Addr)
	}
	c.DataDir = v["data_dir"]
	if c.DataDir == "" {
		return bad("data_dir", "must not be empty")
	}
	c.Storage.DSN = v["db"]
	if c.Storage.DSN == "" {
		c.Storage.DSN = "sqlite:" + filepath.Join(c.DataDir, "rounds.db")
	}
	if !strings.HasPrefix(c.Storage.DSN, "sqlite:") && !strings.HasPrefix(c.Storage.DSN, "postgres://") && !strings.HasPrefix(c.Storage.DSN, "postgresql://") {
		return bad("db", "must be sqlite:PATH or a postgres:// URL")
	}
	proto := v["protocol"]
	if proto == "" {
		proto = instance.DefaultProtocol(v["domain"])
	}
	c.Instance = instance.Config{
		Domain: strings.ToLower(v["domain"]), Protocol: proto,
		Name: v["instance_name"], Description: v["instance_description"], ContactEmail: v["contact_email"],
		Registrations: v["registrations"], FederationMode: v["federation_mode"], Version: version,
	}
	if err := c.Instance.Validate(); err != nil {
		var fe *instance.FieldError
		if errors.As(err, &fe) {
			return bad(fe.Key, "%s", fe.Msg)
		}
		return Config{}, err
	}
	allow, err := strconv.ParseBool(v["allow_private_addresses"])
	if err != nil {
		return bad("allow_private_addresses", "%q is not a boolean", v["allow_private_addresses"])
	}
	c.Federation.AllowPrivateAddresses = allow
	if c.Federation.AuthorizedFetch, err = strconv.ParseBool(v["authorized_fetch"]); err != nil {
		return bad("authorized_fetch", "%q is not a boolean", v["authorized_fetch"])
	}
	c.Media = media.Config{Dir: filepath.Join(c.DataDir, "media")}
	if c.Media.UnattachedGrace, err = time.ParseDuration(v["media_unattached_grace"]); err != nil || c.Media.UnattachedGrace < time.Hour {
		return bad("media_unattached_grace", "%q must be a duration of at least 1h, such as 24h", v["media_unattached_grace"])
	}
	if w := v["job_workers"]; w != "" {
		if c.Jobs.Workers, err = strconv.Atoi(w); err != nil || c.Jobs.Workers < 1 || c.Jobs.Workers > 256 {
			return bad("job_workers", "%q must be a whole number from 1 to 256", w)
		}
	}
	c.Web = web.Config{Instance: c.Instance, MetricsToken: v["metrics_token"], OAuth: oauth.DefaultConfig()}
	for _, p := range strings.Split(v["trusted_proxies"], ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return bad("trusted_proxies", "%q is not an IP address or CIDR", p)
			}
		}
		c.Web.TrustedProxies = append(c.Web.TrustedProxies, p)
	}
	if c.Web.OAuth.PasswordGrant, err = strconv.ParseBool(v["password_grant"]); err != nil {
		return bad("password_grant", "%q is not a boolean", v["password_grant"])
	}
	if c.Web.RateLimit, err = ratelimit.Parse(v["rate_limit"]); err != nil {
		return bad("rate_limit", "%s", err)
	}
	if err := c.LogLevel.UnmarshalText([]byte(v["log_level"])); err != nil {
		return bad("log_level", "%q must be debug, info, warn or error", v["log_level"])
	}
	c.LogFormat = v["log_format"]
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return bad("log_format", "%q must be text or json", c.LogFormat)
	}
	if c.PprofAddr = v["pprof_addr"]; c.PprofAddr != "" && !loopbackAddr(c.PprofAddr) {
		return bad("pprof_addr", "%q must be a loopback host:port such as 127.0.0.1:6060 (profiles reveal memory contents)", c.PprofAddr)
	}
	return c, nil
}

// errUsage marks errors caused by how the command was called (exit 2).
var errUsage = errors.New("usage")
