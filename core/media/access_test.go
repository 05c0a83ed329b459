package media_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/core/media/mediatest"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// relOf splits a media URL into its served path and query.
func relOf(t *testing.T, u *string) (rel string, q url.Values) {
	t.Helper()
	if u == nil {
		t.Fatal("no URL")
	}
	p, err := url.Parse(*u)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(p.Path, media.URLPrefix), p.Query()
}

func TestAuthorize(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := setup(t, s)
		ctx := context.Background()
		m, err := f.media.Create(ctx, f.alice, media.Upload{File: mediatest.JPEG(t, 30, 20, 1)}, true)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		plainRel, _ := relOf(t, f.media.FileURL(m))
		signedFile, signedPreview := f.media.SignedURLs(m, now)
		rel, q := relOf(t, signedFile)
		smallRel, sq := relOf(t, signedPreview)
		if rel != plainRel || q.Get("sig") == "" || q.Get("exp") == "" || sq.Get("sig") == q.Get("sig") {
			t.Fatalf("signed URLs %s %s", *signedFile, *signedPreview)
		}
		notFound := func(name string, err error) {
			t.Helper()
			if !errors.Is(err, core.ErrNotFound) {
				t.Errorf("%s: %v, want ErrNotFound", name, err)
			}
		}
		// An unattached upload: only signed URLs, unexpired, for their own path.
		if err := f.media.Authorize(ctx, rel, q.Get("exp"), q.Get("sig"), now); err != nil {
			t.Errorf("signed original: %v", err)
		}
		if err := f.media.Authorize(ctx, smallRel, sq.Get("exp"), sq.Get("sig"), now); err != nil {
			t.Errorf("signed preview: %v", err)
		}
		notFound("plain", f.media.Authorize(ctx, rel, "", "", now))
		notFound("other path's signature", f.media.Authorize(ctx, smallRel, q.Get("exp"), q.Get("sig"), now))
		notFound("tampered", f.media.Authorize(ctx, rel, q.Get("exp"), q.Get("sig")[1:]+"A", now))
		notFound("moved expiry", f.media.Authorize(ctx, rel, "99999999999", q.Get("sig"), now))
		notFound("expired", f.media.Authorize(ctx, rel, q.Get("exp"), q.Get("sig"), now.Add(media.SignedURLLifetime)))
		if err := f.media.Authorize(ctx, rel, q.Get("exp"), q.Get("sig"), now.Add(23*time.Hour)); err != nil {
			t.Errorf("a day later: %v", err)
		}
		notFound("not servable", f.media.Authorize(ctx, "incoming/"+strings.Repeat("a", 32), q.Get("exp"), q.Get("sig"), now))

		// Attached to a status, its visibility decides plain access.
		st := &storage.Status{AccountID: f.alice, Local: true, Visibility: "private"}
		err = s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			if err := tx.InsertStatus(ctx, storage.NewStatus{Status: st}); err != nil {
				return err
			}
			return tx.AttachMedia(ctx, f.alice, st.ID, []int64{m.ID})
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			vis    string
			public bool
		}{{"private", false}, {"direct", false}, {"unlisted", true}, {"public", true}} {
			if _, err := s.DB().Exec(`UPDATE statuses SET visibility = '` + tc.vis + `' WHERE id = ` + strconv.FormatInt(st.ID, 10)); err != nil {
				t.Fatal(err)
			}
			err := f.media.Authorize(ctx, rel, "", "", now)
			if (err == nil) != tc.public {
				t.Errorf("%s status, plain URL: %v", tc.vis, err)
			}
		}
		if err := s.DeleteStatus(ctx, st.ID); err != nil {
			t.Fatal(err)
		}
		notFound("deleted status", f.media.Authorize(ctx, rel, "", "", now))
	})
}

func TestURLKeyIsSharedAndKept(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		dir := t.TempDir()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		inst := instance.Config{Domain: "rounds.example", Protocol: "https"}
		open := func(cfg media.Config) *media.Service {
			t.Helper()
			m, err := media.New(s, inst, cfg, job.New(s, job.Config{}, log), log)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		a := &storage.MediaAttachment{FileKey: strings.Repeat("ab", 16), State: storage.MediaReady}
		jpeg := media.TypeJPEG
		a.ContentType = &jpeg
		now := time.Now()
		first, _ := open(media.Config{Dir: dir}).SignedURLs(a, now)
		second, _ := open(media.Config{Dir: dir}).SignedURLs(a, now)
		if *first != *second {
			t.Errorf("two services over one folder sign differently: %s %s", *first, *second)
		}
		info, err := os.Stat(filepath.Join(dir, "url.key"))
		if err != nil || info.Mode().Perm()&0o077 != 0 {
			t.Errorf("key file: %v %v", info, err)
		}
		other, _ := open(media.Config{Dir: t.TempDir()}).SignedURLs(a, now)
		if *other == *first {
			t.Error("a fresh folder reuses the key")
		}
		configured := media.Config{Dir: t.TempDir(), URLKey: []byte(strings.Repeat("k", 32))}
		c1, _ := open(configured).SignedURLs(a, now)
		configured.Dir = t.TempDir()
		c2, _ := open(configured).SignedURLs(a, now)
		if *c1 != *c2 {
			t.Error("Config.URLKey is not used")
		}
		if _, err := media.New(s, inst, media.Config{Dir: dir, URLKey: []byte("short")}, job.New(s, job.Config{}, log), log); err == nil {
			t.Error("a short URLKey is accepted")
		}
	})
}
