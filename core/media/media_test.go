package media_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/core/media/mediatest"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

type fixture struct {
	store *storage.Store
	jobs  *job.Queue
	media *media.Service
	dir   string
	alice int64
	bob   int64
}

func setup(t *testing.T, s *storage.Store) *fixture {
	t.Helper()
	return setupWith(t, s, media.Config{}, job.Config{})
}

// setupWith is setup with a media configuration (Dir is set here) and a
// job queue configuration.
func setupWith(t *testing.T, s *storage.Store, cfg media.Config, jcfg job.Config) *fixture {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f := &fixture{store: s, jobs: job.New(s, jcfg, log), dir: t.TempDir()}
	var err error
	inst := instance.Config{Domain: "rounds.example", Protocol: "https"}
	cfg.Dir = f.dir
	if f.media, err = media.New(s, inst, cfg, f.jobs, log); err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]*int64{"alice": &f.alice, "bob": &f.bob} {
		a := &storage.Account{Username: name, ActorType: storage.ActorPerson}
		if err := s.CreateAccount(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		*p = a.ID
	}
	return f
}

// files lists the files under the media folder, relative to it.
func (f *fixture) files(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(f.dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() != "url.key" { // the key that signs URLs (access.go)
			rel, _ := filepath.Rel(f.dir, path)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (f *fixture) runJobs(t *testing.T) {
	t.Helper()
	if _, err := f.jobs.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestCreateLaterThenProcess(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := setup(t, s)
		desc := "an X-ray"
		m, err := f.media.Create(ctx, f.alice, media.Upload{File: mediatest.JPEG(t, 900, 700, 6), Description: &desc}, false)
		if err != nil {
			t.Fatal(err)
		}
		if m.State != storage.MediaProcessing || f.media.FileURL(m) != nil || f.media.PreviewURL(m) == nil {
			t.Fatalf("before processing: %+v", m)
		}
		if got := f.files(t); len(got) != 1 || !strings.HasPrefix(got[0], "incoming/") {
			t.Fatalf("files before processing: %v", got)
		}
		// The waiting upload is never served.
		if _, _, err := f.media.File(f.files(t)[0]); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("incoming file resolves: %v", err)
		}
		f.runJobs(t)
		m, err = f.media.Get(ctx, f.alice, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !m.Ready() || m.Width != 900 || m.Height != 700 || m.SmallWidth != 640 || m.SmallHeight != 498 ||
			m.Blurhash == nil || m.FileSize == 0 || *m.Description != desc {
			t.Fatalf("after processing: %+v", m)
		}
		got := f.files(t)
		if len(got) != 2 {
			t.Fatalf("files after processing: %v", got)
		}
		for _, rel := range got {
			path, typ, err := f.media.File(rel)
			if err != nil || typ != media.TypeJPEG {
				t.Fatalf("File(%s) = %s, %v", rel, typ, err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			mediatest.AssertClean(t, rel, b)
		}
		want := "https://rounds.example/media/original/"
		if u := f.media.FileURL(m); u == nil || !strings.HasPrefix(*u, want) {
			t.Fatalf("url %v, want prefix %s", u, want)
		}
	})
}

func TestUndecodableUploadFails(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := setup(t, s)
		// A valid header over broken image data (the IDAT chunk's CRC is
		// wrong): accepted at upload, fails in the job.
		data := mediatest.PNG(t, 64, 64, 1, false)
		idat := bytes.Index(data, []byte("IDAT"))
		n := int(binary.BigEndian.Uint32(data[idat-4:]))
		data[idat+4+n] ^= 0xFF
		m, err := f.media.Create(ctx, f.alice, media.Upload{File: data}, false)
		if err != nil {
			t.Fatal(err)
		}
		f.runJobs(t)
		if _, err := f.media.Get(ctx, f.alice, m.ID); !errors.Is(err, core.ErrInvalid) {
			t.Fatalf("Get of failed media = %v, want ErrInvalid", err)
		}
		if got := f.files(t); len(got) != 0 {
			t.Fatalf("files left after failure: %v", got)
		}
		if _, err := f.media.Create(ctx, f.alice, media.Upload{File: data}, true); !errors.Is(err, core.ErrInvalid) {
			t.Fatalf("synchronous create of a broken image = %v, want ErrInvalid", err)
		}
	})
}

func TestDeleteWhileProcessing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := setup(t, s)
		m, err := f.media.Create(ctx, f.alice, media.Upload{File: mediatest.PNG(t, 40, 40, 1, false)}, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.media.Delete(ctx, f.bob, m.ID); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("bob deletes alice's media: %v", err)
		}
		if err := f.media.Delete(ctx, f.alice, m.ID); err != nil {
			t.Fatal(err)
		}
		f.runJobs(t)
		if got := f.files(t); len(got) != 0 {
			t.Fatalf("files left: %v", got)
		}
	})
}

func TestForStatusAndAttach(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := setup(t, s)
		upload := func(owner int64, wait bool) int64 {
			m, err := f.media.Create(ctx, owner, media.Upload{File: mediatest.GIF(t, 20, 20)}, wait)
			if err != nil {
				t.Fatal(err)
			}
			return m.ID
		}
		a1, a2, a3, a4, a5 := upload(f.alice, true), upload(f.alice, true), upload(f.alice, true), upload(f.alice, true), upload(f.alice, true)
		processing := upload(f.alice, false)
		bobs := upload(f.bob, true)
		for _, tc := range []struct {
			name string
			ids  []int64
			kind error
		}{
			{"five", []int64{a1, a2, a3, a4, a5}, core.ErrInvalid},
			{"someone else's", []int64{a1, bobs}, core.ErrInvalid},
			{"unknown", []int64{a1, 12345}, core.ErrInvalid},
			{"still processing", []int64{processing}, core.ErrInvalid},
		} {
			if _, err := f.media.ForStatus(ctx, f.alice, tc.ids); !errors.Is(err, tc.kind) {
				t.Errorf("%s: %v, want %v", tc.name, err, tc.kind)
			}
		}
		got, err := f.media.ForStatus(ctx, f.alice, []int64{a3, a1, a3, a2, a4})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 4 || got[0].ID != a3 || got[1].ID != a1 || got[3].ID != a4 {
			t.Fatalf("ForStatus order: %v", got)
		}
		st := &storage.Status{AccountID: f.alice, Local: true, Visibility: "public"}
		err = s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			if err := tx.InsertStatus(ctx, storage.NewStatus{Status: st}); err != nil {
				return err
			}
			return tx.AttachMedia(ctx, f.alice, st.ID, []int64{a3, a1})
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.media.ForStatus(ctx, f.alice, []int64{a1}); !errors.Is(err, core.ErrInvalid) {
			t.Errorf("attached media offered again: %v", err)
		}
		if _, err := f.media.Get(ctx, f.alice, a1); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("Get of attached media = %v, want ErrNotFound", err)
		}
		if err := f.media.Delete(ctx, f.alice, a1); !errors.Is(err, core.ErrInvalid) {
			t.Errorf("Delete of attached media = %v, want ErrInvalid", err)
		}
		// Attaching someone else's media rolls the whole attach back.
		if err := s.AttachMedia(ctx, f.alice, st.ID, []int64{a2, bobs}); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("attach of bob's media = %v", err)
		}
		byStatus, err := s.MediaForStatuses(ctx, []int64{st.ID})
		if err != nil {
			t.Fatal(err)
		}
		if ms := byStatus[st.ID]; len(ms) != 2 || ms[0].ID != a3 || ms[1].ID != a1 {
			t.Fatalf("media of the status: %+v", ms)
		}
		before := len(f.files(t))
		if err := f.media.DeleteForStatus(ctx, st.ID); err != nil {
			t.Fatal(err)
		}
		if after := len(f.files(t)); after != before-4 {
			t.Fatalf("files after deleting the status's media: %d, want %d", after, before-4)
		}
	})
}

func TestCreateRejects(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := setup(t, s)
		long := strings.Repeat("é", media.DefaultMaxDescription+1)
		badFocus := "2,0"
		for _, tc := range []struct {
			name string
			up   media.Upload
		}{
			{"empty", media.Upload{}},
			{"text", media.Upload{File: []byte("hello, this is text")}},
			{"too large", media.Upload{File: append(mediatest.PNG(t, 8, 8, 1, false), make([]byte, media.DefaultMaxFileSize)...)}},
			{"bomb", media.Upload{File: mediatest.BombPNG(100000, 100000)}},
			{"long description", media.Upload{File: mediatest.GIF(t, 8, 8), Description: &long}},
			{"bad focus", media.Upload{File: mediatest.GIF(t, 8, 8), Focus: &badFocus}},
			{"bad thumbnail", media.Upload{File: mediatest.GIF(t, 8, 8), Thumbnail: []byte("not an image")}},
		} {
			for _, wait := range []bool{true, false} {
				if _, err := f.media.Create(ctx, f.alice, tc.up, wait); !errors.Is(err, core.ErrInvalid) {
					t.Errorf("%s (wait %v): %v, want ErrInvalid", tc.name, wait, err)
				}
			}
		}
		if got := f.files(t); len(got) != 0 {
			t.Fatalf("rejected uploads left files: %v", got)
		}
		counts, err := s.JobCounts(ctx)
		if err != nil || len(counts) != 0 {
			t.Fatalf("rejected uploads left jobs: %v, %v", counts, err)
		}
	})
}

func TestCustomThumbnail(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := setup(t, s)
		up := media.Upload{File: mediatest.JPEG(t, 1600, 1200, 1), Thumbnail: mediatest.PNG(t, 200, 800, 6, true)}
		for _, wait := range []bool{true, false} {
			m, err := f.media.Create(ctx, f.alice, up, wait)
			if err != nil {
				t.Fatal(err)
			}
			f.runJobs(t)
			if m, err = f.media.Get(ctx, f.alice, m.ID); err != nil {
				t.Fatal(err)
			}
			if !m.Ready() || *m.ContentType != media.TypeJPEG || *m.SmallContentType != media.TypePNG ||
				m.Width != 1600 || m.SmallWidth != 160 || m.SmallHeight != 640 {
				t.Fatalf("wait %v: %+v", wait, m)
			}
			path, typ, err := f.media.File(strings.TrimPrefix(*f.media.PreviewURL(m), "https://rounds.example/media/"))
			if err != nil || typ != media.TypePNG {
				t.Fatalf("preview: %s %v", typ, err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			mediatest.AssertClean(t, "thumbnail", b)
			img := mediatest.Decode(t, "thumbnail", b)
			if img.Bounds().Dx() != 160 || img.Bounds().Dy() != 640 {
				t.Fatalf("thumbnail is %v", img.Bounds())
			}
			mediatest.AssertUpright(t, "thumbnail", img)
		}
	})
}
