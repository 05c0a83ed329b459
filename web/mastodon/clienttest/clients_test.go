package clienttest_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// missing fails the test under CI, where .ci/run installs the clients,
// and skips it elsewhere.
func missing(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// mastodonPython returns a Python interpreter that can import Mastodon.py
// (Debian's python3-mastodon lives under /usr/bin/python3, which another
// python3 earlier on PATH may hide).
func mastodonPython(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		path, err := exec.LookPath(py)
		if err != nil {
			continue
		}
		if exec.Command(path, "-c", "import mastodon").Run() == nil {
			return path
		}
	}
	missing(t, "Mastodon.py is not installed: apt-get install -y python3-mastodon (Debian) to run this client test")
	return ""
}

// tootPath returns the toot executable.
func tootPath(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("toot")
	if err != nil {
		missing(t, "toot is not installed: apt-get install -y toot (Debian) to run this client test")
	}
	return path
}

// run runs a client command with env added to the environment and stdin
// as its input, returning its standard output, its standard error and
// its error.
func run(t *testing.T, env []string, stdin string, name string, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

// mastodonPy runs one command of testdata/mastodon_session.py and decodes
// the JSON object it prints into out, failing the test when the client
// fails (an exception is a non-zero exit).
func mastodonPy(t *testing.T, py string, out any, args ...string) {
	t.Helper()
	script, err := filepath.Abs(filepath.Join("testdata", "mastodon_session.py"))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	stdout, stderr, err := run(t, []string{"PYTHONDONTWRITEBYTECODE=1"}, "", py, append([]string{script}, args...)...)
	if err != nil {
		t.Fatalf("Mastodon.py %s failed: %v\nstdout: %s\nstderr: %s", args[0], err, stdout, stderr)
	}
	t.Logf("Mastodon.py %s (%v): %s", args[0], time.Since(start).Round(time.Millisecond), stdout)
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields() // a key the test does not decode is a mistake in the test
	if err := dec.Decode(out); err != nil {
		t.Fatalf("Mastodon.py %s printed %q: %v\nstderr: %s", args[0], stdout, err, stderr)
	}
}
