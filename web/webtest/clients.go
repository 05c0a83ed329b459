package webtest

import (
	"os"
	"os/exec"
	"testing"
)

// MastodonPython returns a Python interpreter that can import Mastodon.py
// (Debian's python3-mastodon lives under /usr/bin/python3, which another
// python3 earlier on PATH, such as pyenv's, may hide).
func MastodonPython(t testing.TB) string {
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
	missingClient(t, "Mastodon.py is not installed: apt-get install -y python3-mastodon (Debian) to run this client test")
	return ""
}

// Toot returns the path of Debian's toot.
func Toot(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("toot")
	if err != nil {
		missingClient(t, "toot is not installed: apt-get install -y toot (Debian) to run this client test")
	}
	return path
}

// missingClient ends a test whose Mastodon client is not installed: a
// failure under CI, whose .ci/run installs the clients, and a skip with
// msg on a laptop, as storagetest does for a missing PostgreSQL.
func missingClient(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}
