package mastodon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/core/media/mediatest"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// mediaJSON is the MediaAttachment entity as the tests read it.
type mediaJSON struct {
	ID          string  `json:"id"`
	Type        string  `json:"type"`
	URL         *string `json:"url"`
	PreviewURL  *string `json:"preview_url"`
	RemoteURL   *string `json:"remote_url"`
	Description *string `json:"description"`
	Blurhash    *string `json:"blurhash"`
	Meta        *struct {
		Original *sizeJSON `json:"original"`
		Small    *sizeJSON `json:"small"`
		Focus    *struct {
			X float64 `json:"x"`
			Y float64 `json:"y"`
		} `json:"focus"`
	} `json:"meta"`
}

type sizeJSON struct {
	Width  int     `json:"width"`
	Height int     `json:"height"`
	Size   string  `json:"size"`
	Aspect float64 `json:"aspect"`
}

// upload posts a multipart upload as u: the file part with the given
// name and Content-Type, and the other fields.
func upload(t *testing.T, u *user, path string, file []byte, filename, contentType string, fields ...string) *http.Response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if file != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, filename))
		h.Set("Content-Type", contentType)
		part, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = part.Write(file)
	}
	for i := 0; i+1 < len(fields); i += 2 {
		_ = w.WriteField(fields[i], fields[i+1])
	}
	_ = w.Close()
	return do(t, u.srv, u, "POST", path, w.FormDataContentType(), &buf)
}

// fetchFile GETs a served media file anonymously and checks its headers.
func fetchFile(t *testing.T, url, wantType string) []byte {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, b)
	}
	if ct := res.Header.Get("Content-Type"); ct != wantType {
		t.Errorf("GET %s: Content-Type %q, want %q", url, ct, wantType)
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("GET %s: no X-Content-Type-Options: nosniff", url)
	}
	return b
}

// statusOf GETs url anonymously and returns the status code.
func statusOf(t *testing.T, url string) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// checkServed fetches an attachment's original and preview and checks
// that both are free of metadata, upright, and of the expected sizes.
func checkServed(t *testing.T, name string, m mediaJSON, wantType string, w, h, sw, sh int) {
	t.Helper()
	if m.URL == nil || m.PreviewURL == nil || m.Meta == nil || m.Meta.Original == nil || m.Meta.Small == nil {
		t.Fatalf("%s: incomplete entity %+v", name, m)
	}
	for _, f := range []struct {
		label, url string
		size       *sizeJSON
		w, h       int
	}{{"original", *m.URL, m.Meta.Original, w, h}, {"small", *m.PreviewURL, m.Meta.Small, sw, sh}} {
		label := name + " " + f.label
		b := fetchFile(t, f.url, wantType)
		mediatest.AssertClean(t, label, b)
		img := mediatest.Decode(t, label, b)
		if bb := img.Bounds(); bb.Dx() != f.w || bb.Dy() != f.h {
			t.Errorf("%s: served %dx%d, want %dx%d", label, bb.Dx(), bb.Dy(), f.w, f.h)
		}
		if f.size.Width != f.w || f.size.Height != f.h || f.size.Size != fmt.Sprintf("%dx%d", f.w, f.h) {
			t.Errorf("%s: meta %+v, want %dx%d", label, f.size, f.w, f.h)
		}
		mediatest.AssertUpright(t, label, img)
	}
}

func TestMediaUploadsLoseAllMetadata(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		for _, tc := range []struct {
			name, filename, clientType string
			data                       []byte
			wantType                   string
			w, h, sw, sh               int
		}{
			// A portrait photo taken with the phone turned: stored sideways
			// with orientation 6, it must come out upright.
			{"jpeg with GPS, orientation 6", "IMG_0001.JPG", "image/jpeg", mediatest.JPEG(t, 800, 1200, 6), "image/jpeg", 800, 1200, 427, 640},
			{"png with eXIf and text chunks", "scan.png", "image/png", mediatest.PNG(t, 700, 300, 1, true), "image/png", 700, 300, 640, 274},
			{"webp with EXIF and XMP", "photo.webp", "image/webp", mediatest.WebP(t, 90, 60, 1), "image/png", 90, 60, 90, 60},
			{"gif with comments (first frame)", "anim.gif", "image/gif", mediatest.GIF(t, 120, 80), "image/png", 120, 80, 120, 80},
			// The client's file name and type are ignored.
			{"jpeg sent as png", "x.png", "image/png", mediatest.JPEG(t, 64, 48, 1), "image/jpeg", 64, 48, 64, 48},
		} {
			var m mediaJSON
			decode(t, upload(t, alice, "/api/v1/media", tc.data, tc.filename, tc.clientType, "description", "A chest film", "focus", "0.25,-0.5"), 200, &m)
			if m.Type != "image" || m.Description == nil || *m.Description != "A chest film" || m.Blurhash == nil ||
				m.RemoteURL != nil || m.Meta.Focus == nil || m.Meta.Focus.X != 0.25 || m.Meta.Focus.Y != -0.5 {
				t.Errorf("%s: entity %+v", tc.name, m)
			}
			checkServed(t, tc.name, m, tc.wantType, tc.w, tc.h, tc.sw, tc.sh)
		}

		// The asynchronous upload, processed by the running job queue.
		var m mediaJSON
		decode(t, upload(t, alice, "/api/v2/media", mediatest.JPEG(t, 300, 200, 8), "a.jpg", "image/jpeg"), 202, &m)
		deadline := time.Now().Add(time.Minute)
		for {
			res := do(t, srv, alice, "GET", "/api/v1/media/"+m.ID, "", nil)
			if res.StatusCode == 200 {
				decode(t, res, 200, &m)
				break
			}
			decode(t, res, 206, nil)
			if time.Now().After(deadline) {
				t.Fatal("the upload was not processed within a minute")
			}
			time.Sleep(20 * time.Millisecond)
		}
		checkServed(t, "v2 jpeg orientation 8", m, "image/jpeg", 300, 200, 300, 200)
	})
}

func TestMediaV2ProcessingSequence(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s, webtest.WithManualJobs())
		alice := signIn(t, srv, "alice")
		var m mediaJSON
		decode(t, upload(t, alice, "/api/v2/media", mediatest.PNG(t, 1000, 500, 1, false), "p.png", "image/png"), 202, &m)
		if m.URL != nil || m.PreviewURL == nil || m.Meta == nil || m.Meta.Original == nil || m.Meta.Original.Width != 1000 {
			t.Fatalf("202 entity: %+v", m)
		}
		if code := statusOf(t, *m.PreviewURL); code != 404 {
			t.Fatalf("preview before processing: %d, want 404", code)
		}
		var got mediaJSON
		decode(t, do(t, srv, alice, "GET", "/api/v1/media/"+m.ID, "", nil), 206, &got)
		if got.URL != nil {
			t.Fatalf("206 entity has a url: %+v", got)
		}
		body, _ := json.Marshal(map[string]string{"description": "Axial CT", "focus": "-0.1,0.9"})
		decode(t, do(t, srv, alice, "PUT", "/api/v1/media/"+m.ID, "application/json", bytes.NewReader(body)), 206, &got)
		if got.Description == nil || *got.Description != "Axial CT" || got.Meta.Focus.Y != 0.9 {
			t.Fatalf("PUT while processing: %+v", got)
		}
		if n, err := srv.Jobs.RunDue(context.Background()); err != nil || n != 1 {
			t.Fatalf("RunDue = %d, %v", n, err)
		}
		decode(t, do(t, srv, alice, "GET", "/api/v1/media/"+m.ID, "", nil), 200, &got)
		if got.URL == nil || *got.PreviewURL != *m.PreviewURL || *got.Description != "Axial CT" {
			t.Fatalf("200 entity: %+v", got)
		}
		checkServed(t, "v2 png", got, "image/png", 1000, 500, 640, 320)
		decode(t, do(t, srv, alice, "PUT", "/api/v1/media/"+m.ID, "application/x-www-form-urlencoded", strings.NewReader("description=")), 200, &got)
		if got.Description != nil {
			t.Fatalf("description not cleared: %+v", got)
		}
	})
}

func TestMediaRejectsBadUploads(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		reader := signIn(t, srv, "rita", "read")
		gif := mediatest.GIF(t, 8, 8)
		for _, tc := range []struct {
			name   string
			u      *user
			path   string
			data   []byte
			fields []string
			status int
			errSub string
		}{
			{"text renamed .jpg", alice, "/api/v2/media", []byte("Patient: J. Doe\nNot an image at all.\n"), nil, 422, "must be a JPEG, PNG, WebP or GIF image"},
			{"svg", alice, "/api/v1/media", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), nil, 422, "must be a JPEG"},
			{"png claiming 100000×100000", alice, "/api/v2/media", mediatest.BombPNG(100000, 100000), nil, 422, "more than the limit"},
			{"jpeg claiming 65535×65535", alice, "/api/v1/media", mediatest.BombJPEG(65535, 65535), nil, 422, "more than the limit"},
			{"webp claiming 20000×20000", alice, "/api/v2/media", mediatest.BombWebP(20000, 20000), nil, 422, "more than the limit"},
			{"webp claiming 100000×100000", alice, "/api/v2/media", mediatest.BombWebP(100000, 100000), nil, 422, "not a readable webp"},
			{"over 16 MiB", alice, "/api/v2/media", append(gif, make([]byte, media.DefaultMaxFileSize)...), nil, 422, "must be less than 16 MiB"},
			{"far over the body cap", alice, "/api/v2/media", make([]byte, 2*media.DefaultMaxFileSize+2<<20), nil, 413, "too large"},
			{"no file", alice, "/api/v2/media", nil, []string{"description", "x"}, 422, "file is missing"},
			{"bad focus", alice, "/api/v2/media", gif, []string{"focus", "3,0"}, 422, "focus"},
			{"long description", alice, "/api/v2/media", gif, []string{"description", strings.Repeat("a", 1501)}, 422, "too long"},
			{"read-only token", reader, "/api/v2/media", gif, nil, 403, "outside the authorized scopes"},
		} {
			res := upload(t, tc.u, tc.path, tc.data, "upload.jpg", "image/jpeg", tc.fields...)
			var e struct {
				Error string `json:"error"`
			}
			decode(t, res, tc.status, &e)
			if !strings.Contains(e.Error, tc.errSub) {
				t.Errorf("%s: error %q, want it to contain %q", tc.name, e.Error, tc.errSub)
			}
		}
		res := do(t, srv, nil, "POST", "/api/v2/media", "multipart/form-data; boundary=x", strings.NewReader("--x--"))
		decode(t, res, 401, nil)
		res = do(t, srv, alice, "POST", "/api/v2/media", "application/json", strings.NewReader(`{"file":"x"}`))
		decode(t, res, 422, nil)
		counts, err := s.JobCounts(context.Background())
		if err != nil || len(counts) != 0 {
			t.Fatalf("rejected uploads left jobs: %v %v", counts, err)
		}
	})
}

func TestMediaOwnershipAndDeletion(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		up := func() mediaJSON {
			var m mediaJSON
			decode(t, upload(t, alice, "/api/v1/media", mediatest.JPEG(t, 40, 30, 1), "a.jpg", "image/jpeg"), 200, &m)
			return m
		}
		m := up()
		for _, req := range []struct{ method, ct, body string }{
			{"GET", "", ""}, {"PUT", "application/x-www-form-urlencoded", "description=mine"}, {"DELETE", "", ""},
		} {
			decode(t, do(t, srv, bob, req.method, "/api/v1/media/"+m.ID, req.ct, strings.NewReader(req.body)), 404, nil)
		}
		decode(t, do(t, srv, alice, "GET", "/api/v1/media/not-a-number", "", nil), 404, nil)
		decode(t, do(t, srv, alice, "GET", "/api/v1/media/"+m.ID, "", nil), 200, nil)

		var empty map[string]any
		decode(t, do(t, srv, alice, "DELETE", "/api/v1/media/"+m.ID, "", nil), 200, &empty)
		if len(empty) != 0 {
			t.Errorf("DELETE body %v, want {}", empty)
		}
		decode(t, do(t, srv, alice, "GET", "/api/v1/media/"+m.ID, "", nil), 404, nil)
		for _, u := range []string{*m.URL, *m.PreviewURL} {
			if code := statusOf(t, u); code != 404 {
				t.Errorf("deleted file %s: %d, want 404", u, code)
			}
		}

		// Attached media can be neither fetched nor deleted through the API.
		attached := up()
		id := mediaID(t, attached.ID)
		st := &storage.Status{AccountID: alice.ID, Local: true, Visibility: "public"}
		err := s.InTx(context.Background(), func(ctx context.Context, tx *storage.Store) error {
			if err := tx.InsertStatus(ctx, storage.NewStatus{Status: st}); err != nil {
				return err
			}
			return tx.AttachMedia(ctx, alice.ID, st.ID, []int64{id})
		})
		if err != nil {
			t.Fatal(err)
		}
		decode(t, do(t, srv, alice, "GET", "/api/v1/media/"+attached.ID, "", nil), 404, nil)
		var e struct {
			Error string `json:"error"`
		}
		decode(t, do(t, srv, alice, "DELETE", "/api/v1/media/"+attached.ID, "", nil), 422, &e)
		if e.Error != "Media attachment is currently used by a status" {
			t.Errorf("DELETE attached: %q", e.Error)
		}
		fetchFile(t, *attached.URL, "image/jpeg")

		// Only processed files are served, by their random names.
		for _, p := range []string{"/media/incoming/" + strings.Repeat("a", 32), "/media/original/../../rounds.db",
			"/media/original/" + strings.Repeat("0", 32) + ".jpg", "/media/original/x.jpg", "/media/"} {
			if code := statusOf(t, srv.URL+p); code != 404 {
				t.Errorf("GET %s: %d, want 404", p, code)
			}
		}
	})
}

// mediaID parses an entity ID.
func mediaID(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}
