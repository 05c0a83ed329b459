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
