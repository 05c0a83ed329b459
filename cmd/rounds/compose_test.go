package main

import (
	"net"
	"net/url"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// The parts of compose.yaml the tests read.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image string `yaml:"image"`
	Build struct {
		Context    string `yaml:"context"`
		Dockerfile string `yaml:"dockerfile"`
	} `yaml:"build"`
	Environment     yaml.Node `yaml:"environment"`
	Volumes         []string  `yaml:"volumes"`
	DependsOn       yaml.Node `yaml:"depends_on"`
	StopGracePeriod string    `yaml:"stop_grace_period"`
	Healthcheck     struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
}

// env returns a service's environment, in either of compose's forms (a map,
// or a list of KEY=VALUE).
func (s composeService) env(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	switch s.Environment.Kind {
	case 0:
	case yaml.MappingNode:
		if err := s.Environment.Decode(&out); err != nil {
			t.Fatalf("environment: %v", err)
		}
	case yaml.SequenceNode:
		var list []string
		if err := s.Environment.Decode(&list); err != nil {
			t.Fatalf("environment: %v", err)
		}
		for _, kv := range list {
			k, v, _ := strings.Cut(kv, "=")
			out[k] = v
		}
	default:
		t.Fatalf("environment is neither a map nor a list")
	}
	return out
}

// readCompose parses compose.yaml at the repository root.
func readCompose(t *testing.T) composeFile {
	t.Helper()
	data, err := os.ReadFile("../../compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	return c
}

// interpolateRe matches compose's ${NAME}, ${NAME:-default}, ${NAME-default},
// ${NAME:?message} and ${NAME?message}.
var interpolateRe = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}`)

// interpolate does compose's variable substitution with vars as the .env
// file, and reports the variables that must be set.
func interpolate(s string, vars map[string]string) (string, []string) {
	var required []string
	out := interpolateRe.ReplaceAllStringFunc(s, func(m string) string {
		p := interpolateRe.FindStringSubmatch(m)
		name, op, arg := p[1], p[2], p[3]
		v, set := vars[name]
		switch op {
		case ":-":
			if v == "" {
				return arg
			}
		case "-":
			if !set {
				return arg
			}
		case ":?", "?":
			required = append(required, name)
		}
		return v
	})
	return strings.ReplaceAll(out, "$$", "$"), required
}

// sampleDotEnv is an operator's .env for compose.yaml.
var sampleDotEnv = map[string]string{
	"ROUNDS_DOMAIN":        "rounds.example-hospital.org",
	"ROUNDS_CONTACT_EMAIL": "rounds-admin@example-hospital.org",
	"POSTGRES_PASSWORD":    "0123456789abcdef",
	"ROUNDS_METRICS_TOKEN": "fedcba9876543210",
}

// TestComposeEnvironment checks the Rounds service's environment against
// the settings the binary reads: every ROUNDS_* name is one it knows, the
// ones a production instance needs are set, and the values (with a sample
// .env) make a configuration the binary accepts and that fits the rest of
// the file.
func TestComposeEnvironment(t *testing.T) {
	c := readCompose(t)
	svc, ok := c.Services["rounds"]
	if !ok {
		t.Fatal("compose.yaml has no rounds service")
	}
	known := map[string]bool{configEnv: true}
	for _, s := range settings {
		known[s.env] = true
	}
	raw := svc.env(t)
	env := map[string]string{}
	for k, v := range raw {
		if strings.HasPrefix(k, "ROUNDS_") && !known[k] {
			t.Errorf("compose.yaml sets %s, which rounds does not read", k)
		}
		val, required := interpolate(v, sampleDotEnv)
		for _, r := range required {
			if _, ok := sampleDotEnv[r]; !ok {
				t.Errorf("compose.yaml requires %s in .env; add it to the sample .env in this test and to the comment at the top of compose.yaml", r)
			}
		}
		env[k] = val
	}
	for _, k := range []string{"ROUNDS_DB", "ROUNDS_DOMAIN", "ROUNDS_PROTOCOL", "ROUNDS_ADDR", "ROUNDS_DATA_DIR", "ROUNDS_CONTACT_EMAIL", "ROUNDS_METRICS_TOKEN"} {
		if raw[k] == "" {
			t.Errorf("compose.yaml does not set %s, which a production instance needs", k)
		}
	}

	cfg, err := loadConfig(t, env)
	if err != nil {
		t.Fatalf("rounds refuses compose.yaml's environment: %v", err)
	}
	if cfg.Instance.BaseURL() != "https://"+sampleDotEnv["ROUNDS_DOMAIN"] {
		t.Errorf("the instance would be %s, want https on ROUNDS_DOMAIN", cfg.Instance.BaseURL())
	}
	host, port, _ := net.SplitHostPort(cfg.Addr)
	if host != "0.0.0.0" && host != "" && host != "::" {
		t.Errorf("ROUNDS_ADDR %s listens on one interface; in a container it must listen on all", cfg.Addr)
	}

	// The database is the postgres service, with its user, password and database.
	pg, ok := c.Services["postgres"]
	if !ok {
		t.Fatal("compose.yaml has no postgres service")
	}
	if !strings.HasPrefix(pg.Image, "postgres:16") {
		t.Errorf("postgres image %q, want PostgreSQL 16", pg.Image)
	}
	pgEnv := map[string]string{}
	for k, v := range pg.env(t) {
		pgEnv[k], _ = interpolate(v, sampleDotEnv)
	}
	u, err := url.Parse(cfg.Storage.DSN)
	if err != nil || u.Scheme != "postgres" {
		t.Fatalf("ROUNDS_DB %q is not a postgres URL (%v)", cfg.Storage.DSN, err)
	}
	pass, _ := u.User.Password()
	if u.Hostname() != "postgres" || u.Port() != "5432" || u.User.Username() != pgEnv["POSTGRES_USER"] ||
		pass != pgEnv["POSTGRES_PASSWORD"] || strings.TrimPrefix(u.Path, "/") != pgEnv["POSTGRES_DB"] {
		t.Errorf("ROUNDS_DB %q does not name the postgres service's database (%v)", cfg.Storage.DSN, pgEnv)
	}
	if !dependsOnHealthy(t, svc.DependsOn, "postgres") {
		t.Error("the rounds service does not wait for postgres to be healthy")
	}

	// Named volumes: one for the database, one for ROUNDS_DATA_DIR (media).
	if v := namedVolumeAt(t, c, pg, "/var/lib/postgresql/data"); v == "" {
		t.Error("the postgres data directory is not on a named volume")
	}
	if v := namedVolumeAt(t, c, svc, cfg.DataDir); v == "" {
		t.Errorf("ROUNDS_DATA_DIR %s is not on a named volume", cfg.DataDir)
	}

	// Health checks: pg_isready, and /readyz on the port Rounds listens on.
	if !strings.Contains(strings.Join(pg.Healthcheck.Test, " "), "pg_isready") {
		t.Errorf("postgres health check %q does not use pg_isready", pg.Healthcheck.Test)
	}
	check := strings.Join(svc.Healthcheck.Test, " ")
	if !strings.Contains(check, "wget") || !strings.Contains(check, "127.0.0.1:"+port+"/readyz") {
		t.Errorf("rounds health check %q does not fetch /readyz on port %s with wget", check, port)
	}

	// Docker's default 10 s before SIGKILL would cut in-flight requests short.
	grace, err := time.ParseDuration(svc.StopGracePeriod)
	if err != nil || grace <= shutdownTimeout {
		t.Errorf("stop_grace_period %q, want more than rounds' shutdown timeout %v", svc.StopGracePeriod, shutdownTimeout)
	}
}

// dependsOnHealthy reports whether depends_on waits for service to be healthy.
func dependsOnHealthy(t *testing.T, n yaml.Node, service string) bool {
	t.Helper()
	var m map[string]struct {
		Condition string `yaml:"condition"`
	}
	if n.Kind != yaml.MappingNode || n.Decode(&m) != nil {
		return false
	}
	return m[service].Condition == "service_healthy"
}

// namedVolumeAt returns the top-level named volume mounted at target in
// svc, or "".
func namedVolumeAt(t *testing.T, c composeFile, svc composeService, target string) string {
	t.Helper()
	for _, v := range svc.Volumes {
		parts := strings.Split(v, ":")
		if len(parts) < 2 || path.Clean(parts[1]) != path.Clean(target) {
			continue
		}
		if _, ok := c.Volumes[parts[0]]; ok {
			return parts[0]
		}
	}
	return ""
}

// TestDockerfile checks the image compose.yaml builds: a multi-stage,
// static build that runs as a non-root user and can run its health check.
func TestDockerfile(t *testing.T) {
	c := readCompose(t)
	svc := c.Services["rounds"]
	if svc.Build.Dockerfile == "" {
		t.Fatal("the rounds service is not built from a Dockerfile")
	}
	file := path.Join("../..", svc.Build.Context, svc.Build.Dockerfile)
	if file != "../../cmd/rounds/Dockerfile" {
		t.Errorf("compose.yaml builds from %s, want cmd/rounds/Dockerfile", file)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	// Instructions, with continuation lines joined and comments dropped.
	text := regexp.MustCompile(`\\\n`).ReplaceAllString(string(data), " ")
	var stages [][]string // the instructions of each stage
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(strings.ToUpper(line), "FROM ") {
			stages = append(stages, nil)
		}
		if len(stages) == 0 {
			t.Fatalf("Dockerfile: %q before the first FROM", line)
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], line)
	}
	if len(stages) < 2 {
		t.Fatalf("the Dockerfile has %d stage(s), want a build stage and a runtime stage", len(stages))
	}
	build, final := strings.Join(stages[0], "\n"), stages[len(stages)-1]
	if !regexp.MustCompile(`CGO_ENABLED=0 go build .*\./cmd/rounds`).MatchString(build) {
		t.Error("the build stage does not build ./cmd/rounds with CGO_ENABLED=0")
	}
	base := strings.Fields(final[0])[1]
	if !strings.HasPrefix(base, "alpine:") && !strings.HasPrefix(base, "busybox:") {
		t.Errorf("the runtime image %s may lack the wget the health check runs", base)
	}
	var user, entry string
	copied := false
	for _, ins := range final {
		f := strings.Fields(ins)
		switch strings.ToUpper(f[0]) {
		case "USER":
			user = f[1]
		case "ENTRYPOINT":
			entry = ins
		case "COPY":
			copied = copied || strings.HasPrefix(f[1], "--from=")
		}
	}
	if name, _, _ := strings.Cut(user, ":"); name == "" || name == "root" || name == "0" {
		t.Errorf("the image runs as %q, want a non-root user", user)
	}
	if !copied {
		t.Error("the runtime stage copies nothing from the build stage")
	}
	if !strings.Contains(entry, "rounds") {
		t.Errorf("the entry point %q is not rounds", entry)
	}
	for _, want := range []string{"ROUNDS_ADDR=0.0.0.0:", "ROUNDS_DATA_DIR="} {
		if !strings.Contains(strings.Join(final, "\n"), want) {
			t.Errorf("the runtime stage does not set %s (the image alone must listen in a container)", want)
		}
	}

	// "COPY . ." must not carry a local database or media (patient data)
	// or .env secrets into the build context and its cached layers.
	ignore, err := os.ReadFile(path.Join("../..", svc.Build.Context, ".dockerignore"))
	if err != nil {
		t.Fatalf("no .dockerignore beside the build context: %v", err)
	}
	patterns := map[string]bool{}
	for _, line := range strings.Split(string(ignore), "\n") {
		patterns[strings.TrimPrefix(strings.TrimSpace(line), "/")] = true
	}
	for _, p := range []string{"data", ".git", ".env"} {
		if !patterns[p] {
			t.Errorf(".dockerignore does not exclude %s", p)
		}
	}
}
