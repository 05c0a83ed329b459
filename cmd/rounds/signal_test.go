package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// raceBuild is set when the test binary runs with the race detector.
var raceBuild bool

// goTool finds the go command that is running the tests.
func goTool(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("no go command on PATH or in %s", p)
	}
	return p
}

// TestSignalEndToEnd builds the real binary and checks that SIGTERM and
// SIGINT make "rounds serve" shut down and exit 0: the signal wiring in
// main, which the in-process tests replace with a cancelled context.
func TestSignalEndToEnd(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "rounds")
	args := []string{"build"}
	if raceBuild {
		args = append(args, "-race")
	}
	args = append(args, "-o", bin, ".")
	if out, err := exec.Command(goTool(t), args...).CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for name, sig := range map[string]syscall.Signal{"SIGTERM": syscall.SIGTERM, "SIGINT": syscall.SIGINT} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(bin, "serve")
			cmd.Env = []string{
				"ROUNDS_ADDR=127.0.0.1:0",
				"ROUNDS_DATA_DIR=" + dir,
				"ROUNDS_DB=sqlite:" + filepath.Join(dir, "rounds.db"),
				"ROUNDS_LOG_FORMAT=json",
			}
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			var mu sync.Mutex
			var msgs []string
			addr := make(chan string, 1)
			go func() {
				sc := bufio.NewScanner(stderr)
				for sc.Scan() {
					rec := map[string]any{}
					if json.Unmarshal(sc.Bytes(), &rec) != nil {
						continue
					}
					msg, _ := rec["msg"].(string)
					mu.Lock()
					msgs = append(msgs, msg)
					mu.Unlock()
					if a, ok := rec["addr"].(string); ok && msg == "rounds serving" {
						addr <- a
					}
				}
				exited <- cmd.Wait()
			}()
			defer func() { _ = cmd.Process.Kill() }()

			var a string
			select {
			case a = <-addr:
			case err := <-exited:
				t.Fatalf("rounds serve exited before serving: %v %v", err, msgs)
			case <-time.After(time.Minute):
				t.Fatal("rounds serve did not start within a minute")
			}
			c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
			res, err := c.Get("http://" + a + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET /readyz = %d", res.StatusCode)
			}

			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-exited:
				var exit *exec.ExitError
				if errors.As(err, &exit) {
					t.Errorf("rounds serve exited %d after %v, want 0", exit.ExitCode(), sig)
				} else if err != nil {
					t.Error(err)
				}
			case <-time.After(time.Minute):
				t.Fatalf("rounds serve did not exit within a minute of %v", sig)
			}
			mu.Lock()
			defer mu.Unlock()
			if !strings.Contains(strings.Join(msgs, "\n"), "stopped") {
				t.Errorf("rounds serve did not log that it stopped: %q", msgs)
			}
		})
	}
}
