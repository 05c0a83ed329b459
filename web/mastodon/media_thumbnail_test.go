package mastodon_test

import (
	"bytes"
	"context"
	"fmt"
	"image/color"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"testing"

	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/core/media/mediatest"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// uploadWithThumbnail posts a multipart upload as u with a file part, a
// thumbnail part (each left out when nil) and the other fields.
func uploadWithThumbnail(t *testing.T, u *user, path string, file, thumbnail []byte, fields ...string) *http.Response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range []struct {
		name string
		data []byte
	}{{"file", file}, {"thumbnail", thumbnail}} {
		if p.data == nil {
			continue
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename="%s.bin"`, p.name, p.name))
		h.Set("Content-Type", "application/octet-stream")
		part, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = part.Write(p.data)
	}
	for i := 0; i+1 < len(fields); i += 2 {
		_ = w.WriteField(fields[i], fields[i+1])
	}
	_ = w.Close()
	return do(t, u.srv, u, "POST", path, w.FormDataContentType(), &buf)
}

// TestMediaCustomThumbnail uploads a JPEG with a custom thumbnail through
// both upload endpoints: the served preview is the thumbnail (its
// portrait shape, its PNG type, its transparent corner), turned upright
// and stripped of the EXIF GPS position and text chunks it carried; the
// original is the file.
func TestMediaCustomThumbnail(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s, webtest.WithManualJobs())
		alice := signIn(t, srv, "alice")
		file := mediatest.JPEG(t, 1600, 1200, 1)
		// Stored sideways (orientation 6), with eXIf (GPS, camera make),
		// XMP and text chunks; a preview made from the file would be a
		// 640×480 JPEG.
		thumb := mediatest.PNG(t, 200, 800, 6, true)
		for _, tc := range []struct {
			path   string
			status int
		}{{"/api/v1/media", 200}, {"/api/v2/media", 202}} {
			var m mediaJSON
			decode(t, uploadWithThumbnail(t, alice, tc.path, file, thumb, "description", "Lateral film"), tc.status, &m)
			if m.Meta == nil || m.Meta.Small == nil || m.Meta.Small.Width != 160 || m.Meta.Small.Height != 640 {
				t.Fatalf("%s: meta %+v, want a 160×640 small", tc.path, m.Meta)
			}
			if tc.status == 202 {
				if n := runJobs(t, srv); n != 1 {
					t.Fatalf("%s: %d jobs ran, want 1", tc.path, n)
				}
				decode(t, do(t, srv, alice, "GET", "/api/v1/media/"+m.ID, "", nil), 200, &m)
			}
			if m.URL == nil || m.PreviewURL == nil || m.Meta.Original == nil {
				t.Fatalf("%s: incomplete entity %+v", tc.path, m)
			}

			orig := fetchFile(t, *m.URL, "image/jpeg")
			mediatest.AssertClean(t, tc.path+" original", orig)
			if b := mediatest.Decode(t, tc.path+" original", orig).Bounds(); b.Dx() != 1600 || b.Dy() != 1200 {
				t.Errorf("%s: original is %v, want 1600×1200", tc.path, b)
			}

			label := tc.path + " preview"
			prev := fetchFile(t, *m.PreviewURL, "image/png")
			mediatest.AssertClean(t, label, prev)
			img := mediatest.Decode(t, label, prev)
			if b := img.Bounds(); b.Dx() != 160 || b.Dy() != 640 {
				t.Fatalf("%s: %v, want 160×640", label, b)
			}
			mediatest.AssertUpright(t, label, img)
			if _, _, _, a := img.At(150, 630).RGBA(); a != 0 {
				t.Errorf("%s: bottom-right corner is %v, want the thumbnail's transparent one", label, color.NRGBAModel.Convert(img.At(150, 630)))
			}
		}
	})
}

// TestMediaThumbnailErrors checks the refusals of an upload's thumbnail:
// 422 with the field named for one that is not an image or is too big to
// decode, as without a file; 403 for a token without write:media. None
// leaves a job behind.
func TestMediaThumbnailErrors(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s, webtest.WithManualJobs())
		alice := signIn(t, srv, "alice")
		reader := signIn(t, srv, "rita", "read")
		gif := mediatest.GIF(t, 8, 8)
		for _, tc := range []struct {
			name        string
			u           *user
			path        string
			file, thumb []byte
			status      int
			msg         string
		}{
			{"text thumbnail v2", alice, "/api/v2/media", gif, []byte("Patient: J. Doe\nnot an image\n"), 422,
				"Validation failed: thumbnail must be a JPEG, PNG, WebP or GIF image"},
			{"text thumbnail v1", alice, "/api/v1/media", gif, []byte("not an image"), 422,
				"Validation failed: thumbnail must be a JPEG, PNG, WebP or GIF image"},
			{"svg thumbnail", alice, "/api/v2/media", gif, []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), 422,
				"Validation failed: thumbnail must be a JPEG, PNG, WebP or GIF image"},
			{"thumbnail bomb", alice, "/api/v2/media", gif, mediatest.BombPNG(100000, 100000), 422,
				fmt.Sprintf("Validation failed: thumbnail is 100000×100000 pixels, more than the limit of %d pixels", media.DefaultMaxPixels)},
			{"thumbnail without a file", alice, "/api/v2/media", nil, mediatest.PNG(t, 20, 20, 1, false), 422,
				"Validation failed: file is missing"},
			{"read-only token", reader, "/api/v2/media", gif, mediatest.PNG(t, 20, 20, 1, false), 403,
				"This action is outside the authorized scopes"},
		} {
			var e map[string]any
			decode(t, uploadWithThumbnail(t, tc.u, tc.path, tc.file, tc.thumb), tc.status, &e)
			if len(e) != 1 || e["error"] != tc.msg {
				t.Errorf("%s: body %v, want {\"error\": %q}", tc.name, e, tc.msg)
			}
		}
		counts, err := s.JobCounts(context.Background())
		if err != nil || len(counts) != 0 {
			t.Fatalf("refused uploads left jobs: %v %v", counts, err)
		}
	})
}
