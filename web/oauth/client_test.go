package oauth_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// mastodonPy is a Mastodon.py 1.8 session against a Rounds server. It
// prints one JSON object on success; any exception exits non-zero.
const mastodonPy = `
import json, sys
from mastodon import Mastodon, MastodonUnauthorizedError

cmd, base = sys.argv[1], sys.argv[2]
scopes = ["read", "write", "follow", "push"]

if cmd == "password":
    email, password = sys.argv[3], sys.argv[4]
    cid, csec = Mastodon.create_app("Rounds test (Mastodon.py)", api_base_url=base, scopes=scopes)
    m = Mastodon(client_id=cid, client_secret=csec, api_base_url=base)
    token = m.log_in(username=email, password=password, scopes=scopes)  # raises unless every scope is granted
    app = m.app_verify_credentials()
    me = m.account_verify_credentials()
    m.revoke_access_token()
    after = Mastodon(access_token=token, api_base_url=base, version_check_mode="none")
    try:
        after.account_verify_credentials()
        revoked = False
    except MastodonUnauthorizedError:
        revoked = True
    print(json.dumps({"app": app["name"], "username": me["username"], "revoked": revoked}))
elif cmd == "authorize-url":
    cid, csec = Mastodon.create_app("Rounds test (Mastodon.py)", api_base_url=base, scopes=scopes)
    m = Mastodon(client_id=cid, client_secret=csec, api_base_url=base)
    print(json.dumps({"client_id": cid, "client_secret": csec, "url": m.auth_request_url(scopes=scopes)}))
elif cmd == "code":
    cid, csec, code = sys.argv[3], sys.argv[4], sys.argv[5]
    m = Mastodon(client_id=cid, client_secret=csec, api_base_url=base)
    m.log_in(code=code, scopes=scopes)
    me = m.account_verify_credentials()
    print(json.dumps({"username": me["username"]}))
`

// runPy runs the Mastodon.py script and decodes its JSON output, failing
// the test when the client fails.
func runPy(t *testing.T, py, script string, args ...string) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, append([]string{script}, args...)...)
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("Mastodon.py %s failed: %v\nstdout: %s\nstderr: %s", args[0], err, out, stderr.String())
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("Mastodon.py %s printed %q: %v\nstderr: %s", args[0], out, err, stderr.String())
	}
	return m
}

// TestMastodonPy drives the real Mastodon.py client: app registration, the
// password grant (with the scope check Mastodon.py makes), app and account
// verify_credentials and revocation; then the browser flow from its
// auth_request_url (force_login=False&state=None&lang=None) through the
// out-of-band code page back to log_in(code=...).
func TestMastodonPy(t *testing.T) {
	py := webtest.MastodonPython(t)
	script := filepath.Join(t.TempDir(), "client.py")
	if err := os.WriteFile(script, []byte(mastodonPy), 0o600); err != nil {
		t.Fatal(err)
	}
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		srv.CreateAccount(t, "maria")

		got := runPy(t, py, script, "password", srv.URL, "maria@example.org", webtest.Password)
		if got["app"] != "Rounds test (Mastodon.py)" || got["username"] != "maria" || got["revoked"] != true {
			t.Errorf("password session = %v", got)
		}

		start := runPy(t, py, script, "authorize-url", srv.URL)
		authURL, _ := start["url"].(string)
		if !strings.HasPrefix(authURL, srv.URL+"/oauth/authorize?") || !strings.Contains(authURL, "force_login=False") {
			t.Fatalf("auth_request_url = %q", authURL)
		}
		b := newBrowser(t, srv)
		res := signInAndApprove(t, b, strings.TrimPrefix(authURL, srv.URL), "maria")
		loc := res.Location(t)
		if loc.Path != "/oauth/authorize/native" || loc.Query().Get("code") == "" {
			t.Fatalf("approve sent the browser to %s", loc)
		}
		got = runPy(t, py, script, "code", srv.URL, start["client_id"].(string), start["client_secret"].(string), loc.Query().Get("code"))
		if got["username"] != "maria" {
			t.Errorf("code session = %v", got)
		}
	})
}

// TestTootLoginCLI runs toot's login_cli (toot 0.34.1, Debian package
// toot): app registration as JSON, the password grant with the e-mail
// address as username, then verify_credentials.
func TestTootLoginCLI(t *testing.T) {
	toot := webtest.Toot(t)
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		srv.CreateAccount(t, "nora")
		home := t.TempDir()
		for _, tc := range []struct {
			password string
			ok       bool
		}{
			{"wrong password", false},
			{webtest.Password, true},
		} {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			cmd := exec.CommandContext(ctx, toot, "login_cli", "--instance", srv.Instance.Domain, "--disable-https", "--email", "nora@example.org", "--no-color")
			cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"))
			cmd.Stdin = strings.NewReader(tc.password + "\n") // toot reads a piped password from stdin
			out, err := cmd.CombinedOutput()
			cancel()
			if tc.ok != (err == nil) {
				t.Fatalf("toot login_cli with %q: err %v, want ok=%v\n%s", tc.password, err, tc.ok, out)
			}
			if tc.ok && !strings.Contains(string(out), "Successfully logged in") {
				t.Errorf("toot login_cli output:\n%s", out)
			}
			if !tc.ok && !strings.Contains(string(out), "Login failed") {
				t.Errorf("toot login_cli with a wrong password said:\n%s", out)
			}
		}
		cfg, err := os.ReadFile(filepath.Join(home, ".config", "toot", "config.json"))
		if err != nil || !strings.Contains(string(cfg), `"username": "nora"`) {
			t.Errorf("toot config after login: %v\n%s", err, cfg)
		}
	})
}
