package main

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// loadConfig resolves the configuration from args and env as every
// command does.
func loadConfig(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	fs := newFlagSet("test", io.Discard)
	load := configFlags(fs, mapEnv(env))
	if err := parseFlags(fs, args); err != nil {
		t.Fatalf("parse %q: %v", args, err)
	}
	return load()
}

// writeYAML writes a configuration file and returns its path.
func writeYAML(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rounds.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSettingsTable checks the shape of every setting, whatever settings
// are added later: a ROUNDS_ variable, a flag that names it, and a default
// that the binary accepts.
func TestSettingsTable(t *testing.T) {
	keyRe := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	fs := newFlagSet("test", io.Discard)
	configFlags(fs, mapEnv(nil))
	keys, envs := map[string]bool{}, map[string]bool{}
	for _, s := range settings {
		if !keyRe.MatchString(s.key) {
			t.Errorf("setting key %q is not lower_snake_case", s.key)
		}
		if want := "ROUNDS_" + strings.ToUpper(s.key); s.env != want {
			t.Errorf("setting %q reads %s, want %s (the key in upper case)", s.key, s.env, want)
		}
		if keys[s.key] || envs[s.env] {
			t.Errorf("setting %q / %s listed twice", s.key, s.env)
		}
		keys[s.key], envs[s.env] = true, true
		if s.help == "" {
			t.Errorf("setting %q has no help text", s.key)
		}
		f := fs.Lookup(strings.ReplaceAll(s.key, "_", "-"))
		if f == nil {
			t.Errorf("setting %q has no flag --%s", s.key, strings.ReplaceAll(s.key, "_", "-"))
		} else if !strings.Contains(f.Usage, s.env) {
			t.Errorf("flag --%s's help does not name %s: %q", f.Name, s.env, f.Usage)
		}
	}
	if fs.Lookup("config") == nil {
		t.Error("there is no --config flag")
	}
	// The defaults alone make a valid configuration.
	if _, err := loadConfig(t, nil); err != nil {
		t.Errorf("the defaults are not a valid configuration: %v", err)
	}
	// And every key may appear in the YAML file, set to its default.
	var yml strings.Builder
	for _, s := range settings {
		yml.WriteString(s.key + ": " + quoteYAML(s.def) + "\n")
	}
	if _, err := loadConfig(t, map[string]string{configEnv: writeYAML(t, yml.String())}); err != nil {
		t.Errorf("a YAML file setting every key to its default: %v\n%s", err, yml.String())
	}
}

// quoteYAML quotes a value as a YAML double-quoted string.
func quoteYAML(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func TestConfigDefaults(t *testing.T) {
	c, err := loadConfig(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, check := range []struct{ name, got, want string }{
		{"addr", c.Addr, "127.0.0.1:8080"},
		{"domain", c.Instance.Domain, "localhost:8080"},
		{"protocol", c.Instance.Protocol, "http"},
		{"data dir", c.DataDir, "./data"},
		{"db", c.Storage.DSN, "sqlite:" + filepath.Join("./data", "rounds.db")},
		{"name", c.Instance.Name, "Rounds"},
		{"registrations", c.Instance.Registrations, "approval"},
		{"federation mode", c.Instance.FederationMode, "open"},
		{"log format", c.LogFormat, "text"},
		{"version", c.Instance.Version, version},
	} {
		if check.got != check.want {
			t.Errorf("default %s = %q, want %q", check.name, check.got, check.want)
		}
	}
	if c.LogLevel != slog.LevelInfo {
		t.Errorf("default log level = %v, want info", c.LogLevel)
	}
	if c.Federation.AllowPrivateAddresses {
		t.Error("private addresses are allowed by default")
	}
	if c.Web.Instance != c.Instance {
		t.Error("the web edge does not get the instance configuration")
	}
	if c.Media.UnattachedGrace != 24*time.Hour {
		t.Errorf("default unattached media grace = %s, want 24h", c.Media.UnattachedGrace)
	}
}

func TestConfigPrecedence(t *testing.T) {
	file := writeYAML(t, "instance_name: from-yaml\ncontact_email: yaml@example.org\n")
	other := writeYAML(t, "instance_name: from-other-yaml\n")
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"default", nil, nil, "Rounds"},
		{"yaml over default", map[string]string{configEnv: file}, nil, "from-yaml"},
		{"env over yaml", map[string]string{configEnv: file, "ROUNDS_INSTANCE_NAME": "from-env"}, nil, "from-env"},
		{"flag over env", map[string]string{configEnv: file, "ROUNDS_INSTANCE_NAME": "from-env"}, []string{"--instance-name", "from-flag"}, "from-flag"},
		{"flag over default", nil, []string{"--instance-name=from-flag"}, "from-flag"},
		{"empty env is unset", map[string]string{configEnv: file, "ROUNDS_INSTANCE_NAME": ""}, nil, "from-yaml"},
		{"--config over ROUNDS_CONFIG", map[string]string{configEnv: file}, []string{"--config", other}, "from-other-yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := loadConfig(t, tc.env, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			if c.Instance.Name != tc.want {
				t.Errorf("instance name = %q, want %q", c.Instance.Name, tc.want)
			}
		})
	}
	// Keys the higher sources leave alone still come from the file.
	c, err := loadConfig(t, map[string]string{configEnv: file}, "--instance-name", "x")
	if err != nil {
		t.Fatal(err)
	}
	if c.Instance.ContactEmail != "yaml@example.org" {
		t.Errorf("contact email = %q, want the file's", c.Instance.ContactEmail)
	}
}

func TestConfigDerivedValues(t *testing.T) {
	for _, tc := range []struct {
		name  string
		env   map[string]string
		check func(c Config) (got, want string)
	}{
		{"https for a public domain", map[string]string{"ROUNDS_DOMAIN": "social.example.org"},
			func(c Config) (string, string) { return c.Instance.BaseURL(), "https://social.example.org" }},
		{"http for localhost", map[string]string{"ROUNDS_DOMAIN": "localhost"},
			func(c Config) (string, string) { return c.Instance.BaseURL(), "http://localhost" }},
		{"http for 127.x", map[string]string{"ROUNDS_DOMAIN": "127.0.0.5:3000"},
			func(c Config) (string, string) { return c.Instance.BaseURL(), "http://127.0.0.5:3000" }},
		{"explicit protocol wins", map[string]string{"ROUNDS_DOMAIN": "social.example.org", "ROUNDS_PROTOCOL": "http"},
			func(c Config) (string, string) { return c.Instance.BaseURL(), "http://social.example.org" }},
		{"domain in lower case", map[string]string{"ROUNDS_DOMAIN": "Social.Example.ORG"},
			func(c Config) (string, string) { return c.Instance.Domain, "social.example.org" }},
		{"database in the data dir", map[string]string{"ROUNDS_DATA_DIR": "/srv/rounds"},
			func(c Config) (string, string) { return c.Storage.DSN, "sqlite:/srv/rounds/rounds.db" }},
		{"postgres URL kept", map[string]string{"ROUNDS_DB": "postgres://rounds@db:5432/rounds"},
			func(c Config) (string, string) { return c.Storage.DSN, "postgres://rounds@db:5432/rounds" }},
		{"metrics token reaches the web edge", map[string]string{"ROUNDS_METRICS_TOKEN": "s3cret"},
			func(c Config) (string, string) { return c.Web.MetricsToken, "s3cret" }},
		{"json logs", map[string]string{"ROUNDS_LOG_FORMAT": "json", "ROUNDS_LOG_LEVEL": "DEBUG"},
			func(c Config) (string, string) { return c.LogFormat + " " + c.LogLevel.String(), "json DEBUG" }},
		{"private addresses", map[string]string{"ROUNDS_ALLOW_PRIVATE_ADDRESSES": "true"},
			func(c Config) (string, string) {
				if c.Federation.AllowPrivateAddresses {
					return "allowed", "allowed"
				}
				return "refused", "allowed"
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := loadConfig(t, tc.env)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := tc.check(c); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestConfigYAMLValues(t *testing.T) {
	// YAML scalars of any type are read as their text; an empty value
	// sets the empty string, not "<nil>".
	path := writeYAML(t, "allow_private_addresses: true\ncontact_email:\ninstance_name: 42\n")
	c, err := loadConfig(t, map[string]string{configEnv: path})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Federation.AllowPrivateAddresses || c.Instance.ContactEmail != "" || c.Instance.Name != "42" {
		t.Errorf("read allow_private_addresses=%v contact_email=%q instance_name=%q", c.Federation.AllowPrivateAddresses, c.Instance.ContactEmail, c.Instance.Name)
	}
}

func TestConfigFileErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		yaml string
		want []string
	}{
		{"unknown key", "instance_name: x\nfrobnicate: yes\nlisten: 1\n", []string{configEnv, "unknown keys frobnicate, listen"}},
		{"environment name as key", "ROUNDS_DOMAIN: x\n", []string{"unknown keys ROUNDS_DOMAIN"}},
		{"not a map", "- a\n- b\n", []string{configEnv}},
		{"malformed", "instance_name: [unclosed\n", []string{configEnv}},
		{"nested value", "addr:\n  host: x\n", []string{configEnv, "addr"}},
		{"invalid value in the file", "protocol: ftp\n", []string{"ROUNDS_PROTOCOL", `"ftp"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadConfig(t, map[string]string{configEnv: writeYAML(t, tc.yaml)})
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	_, err := loadConfig(t, map[string]string{configEnv: filepath.Join(t.TempDir(), "missing.yaml")})
	if err == nil || !strings.Contains(err.Error(), configEnv) {
		t.Errorf("a missing file: %v, want an error naming %s", err, configEnv)
	}
}

// TestInvalidValues checks through the whole command line that each
// invalid value fails at start-up, exit 1, naming its variable.
func TestInvalidValues(t *testing.T) {
	for _, tc := range []struct {
		env, value string
	}{
		{"ROUNDS_PROTOCOL", "ftp"},
		{"ROUNDS_REGISTRATIONS", "maybe"},
		{"ROUNDS_FEDERATION_MODE", "x"},
		{"ROUNDS_LOG_LEVEL", "loud"},
		{"ROUNDS_LOG_FORMAT", "xml"},
		{"ROUNDS_ADDR", "nope"},
		{"ROUNDS_DB", "mysql://root@127.0.0.1/rounds"},
		{"ROUNDS_ALLOW_PRIVATE_ADDRESSES", "perhaps"},
		{"ROUNDS_DOMAIN", "rounds.example/path"},
		{"ROUNDS_PPROF_ADDR", "0.0.0.0:6060"},
		{"ROUNDS_PPROF_ADDR", "6060"},
		{"ROUNDS_MEDIA_UNATTACHED_GRACE", "a day"},
		{"ROUNDS_MEDIA_UNATTACHED_GRACE", "30m"},
		{"ROUNDS_JOB_WORKERS", "0"},
		{"ROUNDS_JOB_WORKERS", "many"},
	} {
		t.Run(tc.env, func(t *testing.T) {
			env := map[string]string{
				"ROUNDS_DB":       "sqlite:" + filepath.Join(t.TempDir(), "rounds.db"),
				"ROUNDS_DATA_DIR": t.TempDir(),
				tc.env:            tc.value,
			}
			// migrate would succeed on this database: only the bad
			// value can make it fail.
			r := runCLI(t, env, "migrate")
			if r.code != 1 {
				t.Fatalf("want exit 1\n%v", r)
			}
			if !strings.Contains(r.stderr, tc.env) {
				t.Errorf("the message does not name %s\n%v", tc.env, r)
			}
			// The same value given as a flag is named the same way.
			key := ""
			for _, s := range settings {
				if s.env == tc.env {
					key = s.key
				}
			}
			r = runCLI(t, map[string]string{"ROUNDS_DATA_DIR": t.TempDir(), "ROUNDS_DB": env["ROUNDS_DB"]},
				"migrate", "--"+strings.ReplaceAll(key, "_", "-")+"="+tc.value)
			if r.code != 1 || !strings.Contains(r.stderr, tc.env) {
				t.Errorf("as a flag: want exit 1 naming %s\n%v", tc.env, r)
			}
		})
	}
}

// TestConfigFlagSyntax checks that a malformed flag is a usage error.
func TestConfigFlagSyntax(t *testing.T) {
	fs := newFlagSet("test", io.Discard)
	configFlags(fs, mapEnv(nil))
	if err := parseFlags(fs, []string{"--domain"}); err == nil {
		t.Error("--domain without a value was accepted")
	}
	if err := parseFlags(newFlagSet("x", io.Discard), []string{"-h"}); err != errHelp {
		t.Errorf("-h: %v, want errHelp", err)
	}
}

// TestREADMEListsEverySetting keeps the README's configuration table in
// step with the settings the binary reads.
func TestREADMEListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range settings {
		if !strings.Contains(string(readme), "`"+s.env+"`") {
			t.Errorf("README.md's configuration table lacks `%s` (%s)", s.env, s.help)
		}
	}
	if !strings.Contains(string(readme), "`"+configEnv+"`") {
		t.Errorf("README.md does not mention `%s`", configEnv)
	}
}

// TestJobWorkers: unset, the queue picks its default for the database;
// ROUNDS_JOB_WORKERS (or --job-workers) sets it.
func TestJobWorkers(t *testing.T) {
	c, err := loadConfig(t, nil)
	if err != nil || c.Jobs.Workers != 0 {
		t.Fatalf("default: %d, %v; want 0 (the queue's default)", c.Jobs.Workers, err)
	}
	c, err = loadConfig(t, map[string]string{"ROUNDS_JOB_WORKERS": "32"})
	if err != nil || c.Jobs.Workers != 32 {
		t.Fatalf("ROUNDS_JOB_WORKERS=32: %d, %v", c.Jobs.Workers, err)
	}
	c, err = loadConfig(t, map[string]string{"ROUNDS_JOB_WORKERS": "32"}, "--job-workers", "6")
	if err != nil || c.Jobs.Workers != 6 {
		t.Fatalf("--job-workers 6: %d, %v", c.Jobs.Workers, err)
	}
}
