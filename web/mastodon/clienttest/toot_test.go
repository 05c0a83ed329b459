package clienttest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/media/mediatest"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// tootUser is one person signed in with toot, with a HOME of their own
// (toot keeps its config in $HOME/.config/toot).
type tootUser struct {
	t    *testing.T
	toot string
	home string
}

// tootLogin signs username in with `toot login_cli`, the password on
// stdin. toot 0.34.1 builds the base URL as scheme://instance, so the
// instance is host:port and --disable-https picks http.
func tootLogin(t *testing.T, toot string, srv *webtest.Server, username string) *tootUser {
	t.Helper()
	u := &tootUser{t: t, toot: toot, home: t.TempDir()}
	out := u.run(webtest.Password+"\n", "login_cli", "--instance", srv.Instance.Domain, "--disable-https", "--email", username+"@example.org")
	if !strings.Contains(out, "Successfully logged in") {
		t.Fatalf("toot login_cli as %s said:\n%s", username, out)
	}
	return u
}

// exec runs toot with the user's HOME and returns its output (stdout and
// stderr) and error.
func (u *tootUser) exec(stdin string, args ...string) (string, error) {
	u.t.Helper()
	env := []string{"HOME=" + u.home, "XDG_CONFIG_HOME=" + filepath.Join(u.home, ".config")}
	stdout, stderr, err := run(u.t, env, stdin, u.toot, args...)
	return stdout + stderr, err
}

// run runs toot and fails the test unless it exits with status 0.
func (u *tootUser) run(stdin string, args ...string) string {
	u.t.Helper()
	out, err := u.exec(stdin, args...)
	if err != nil {
		u.t.Fatalf("toot %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// mustContain fails the test unless out holds every one of want.
func mustContain(t *testing.T, what, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("%s: no %q in\n%s", what, w, out)
		}
	}
}

var (
	// statusIDLine is the line under each status in toot's timeline output.
	statusIDLine = regexp.MustCompile(`(?m)^ID (\d+) `)
	// mediaLine is the URL line toot prints under "Media:".
	mediaLine = regexp.MustCompile(`(?m)^Media:\n(\S+)$`)
)

// TestToot drives toot 0.34.1: login_cli, whoami, instance, follow, post
// with an image (whose GPS EXIF must not survive), timeline, a reply,
// thread and notifications, asserting on exit status and output.
func TestToot(t *testing.T) {
	toot := webtest.Toot(t)
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		mariaAcct := srv.CreateAccount(t, "maria")
		srv.CreateAccount(t, "bob")
		maria := tootLogin(t, toot, srv, "maria")
		bob := tootLogin(t, toot, srv, "bob")

		out := maria.run("", "whoami")
		mustContain(t, "toot whoami", out, "@maria", "ID: "+strconv.FormatInt(mariaAcct.ID, 10), "Followers: 0", "Statuses: 0", srv.URL+"/@maria")

		out = maria.run("", "instance", "--disable-https")
		mustContain(t, "toot instance", out, "Rounds Test", "running Mastodon 4.3.0 (compatible; Rounds ")

		// toot searches for the handle as typed and matches the acct with
		// its own instance (host:port) stripped.
		out = bob.run("", "follow", "maria@"+srv.Instance.Domain)
		mustContain(t, "toot follow", out, "You are now following maria@"+srv.Instance.Domain)
		if out, err := bob.exec("", "follow", "nobody"); err == nil || !strings.Contains(out, "Account not found") {
			t.Errorf("toot follow of an unknown account: err %v\n%s", err, out)
		}

		photo := filepath.Join(maria.home, "film.jpg")
		jpeg := mediatest.JPEG(t, 64, 48, 1)
		if !bytes.Contains(jpeg, []byte("Exif")) || !bytes.Contains(jpeg, []byte(mediatest.CameraMake)) {
			t.Fatal("the test image carries no EXIF")
		}
		if err := os.WriteFile(photo, jpeg, 0o600); err != nil {
			t.Fatal(err)
		}
		out = maria.run("", "post", "Morning film, day 3 #radiology", "--media", photo, "--description", "Chest film, PA view")
		mustContain(t, "toot post", out, "Toot posted: "+srv.URL+"/@maria/")
		maria.run("", "post", "@bob could you look at the film?")

		out = bob.run("", "timeline")
		mustContain(t, "toot timeline", out, "@maria", "Morning film, day 3 #radiology", "could you look at the film?", "Media:")
		ids := statusIDLine.FindAllStringSubmatch(out, -1)
		media := mediaLine.FindStringSubmatch(out)
		if len(ids) != 2 || media == nil {
			t.Fatalf("toot timeline: want two statuses, one with media:\n%s", out)
		}
		filmID := ids[1][1] // newest first: the mention, then the film
		assertServedClean(t, media[1])
		var film struct {
			Media []struct{ Description string } `json:"media_attachments"`
		}
		getJSON(t, srv.URL+"/api/v1/statuses/"+filmID, &film)
		if len(film.Media) != 1 || film.Media[0].Description != "Chest film, PA view" {
			t.Errorf("the film's attachments = %+v, want one described \"Chest film, PA view\"", film.Media)
		}

		out = bob.run("", "post", "--reply-to", filmID, "@maria agreed, no effusion")
		mustContain(t, "toot post --reply-to", out, "Toot posted: "+srv.URL+"/@bob/")
		out = maria.run("", "thread", filmID)
		mustContain(t, "toot thread", out, "Morning film, day 3", "agreed, no effusion", "In reply to "+filmID)

		out = maria.run("", "notifications")
		mustContain(t, "toot notifications (maria)", out, "@bob now follows you", "@bob mentioned you in", "agreed, no effusion")
		out = bob.run("", "notifications", "--mentions")
		mustContain(t, "toot notifications --mentions (bob)", out, "@maria mentioned you in", "could you look at the film?")
	})
}

// getJSON fetches url anonymously and decodes its JSON into out.
func getJSON(t *testing.T, url string, out any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// assertServedClean downloads an uploaded image as a client would and
// fails unless it carries no metadata at all.
func assertServedClean(t *testing.T, url string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", url, res.StatusCode, err)
	}
	mediatest.AssertClean(t, url, body)
}
