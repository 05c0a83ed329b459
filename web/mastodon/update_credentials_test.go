package mastodon_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/media/mediatest"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

func TestUpdateCredentials(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		u := signIn(t, srv, "rivera")

		// Form body, as Mastodon's web UI and most apps send it.
		var a proAccount
		patchForm(t, u, "/api/v1/accounts/update_credentials", url.Values{
			"display_name": {"Dr. A. Rivera"}, "note": {"Neuroradiology resident.\n<b>Stroke</b> imaging."},
			"locked": {"true"}, "bot": {"false"}, "discoverable": {"false"},
			"fields_attributes[0][name]": {"Pronouns"}, "fields_attributes[0][value]": {"she/her"},
			"fields_attributes[1][name]": {""}, "fields_attributes[1][value]": {""},
			"fields_attributes[2][name]": {"Site"}, "fields_attributes[2][value]": {"<script>x</script>"},
			"source[privacy]": {"private"}, "source[sensitive]": {"true"}, "source[language]": {"ES"},
		}, 200, &a)
		if a.DisplayName != "Dr. A. Rivera" || !a.Locked || a.Bot || a.Source == nil ||
			a.Source.Privacy != "private" || !a.Source.Sensitive || a.Source.Language != "es" ||
			a.Source.Note != "Neuroradiology resident.\n<b>Stroke</b> imaging." ||
			!strings.Contains(a.Note, "&lt;b&gt;Stroke&lt;/b&gt;") || len(a.Source.Fields) != 2 {
			t.Fatalf("after form update: %+v", a)
		}
		if v, ok := a.field("Site"); !ok || v != "&lt;script&gt;x&lt;/script&gt;" {
			t.Errorf("fields = %+v", a.Fields)
		}
		if v, _ := a.field("Pronouns"); v != "she/her" {
			t.Errorf("fields = %+v", a.Fields)
		}
		// Others see the own fields too, and the new flags.
		var seen proAccount
		get(t, srv, nil, "/api/v1/accounts/"+idStr(u.ID), 200, &seen)
		if _, ok := seen.field("Pronouns"); !ok || seen.DisplayName != "Dr. A. Rivera" || !seen.Locked {
			t.Errorf("public view = %+v", seen)
		}

		// JSON body with fields as an array; untouched keys stay.
		patchJSON(t, u, "/api/v1/accounts/update_credentials", map[string]any{
			"fields_attributes": []map[string]string{{"name": "Clinic", "value": "Tuesdays"}},
			"bot":               true,
		}, 200, &a)
		if len(a.Source.Fields) != 1 || a.Source.Fields[0].Name != "Clinic" || !a.Bot || a.DisplayName != "Dr. A. Rivera" || !a.Locked {
			t.Fatalf("after JSON update: %+v", a)
		}

		// Errors: 422 naming the field, nothing changed.
		for _, tc := range []struct {
			form  url.Values
			field string
		}{
			{url.Values{"display_name": {strings.Repeat("x", 31)}}, "display_name"},
			{url.Values{"note": {strings.Repeat("n", 501)}}, "note"},
			{url.Values{"source[privacy]": {"direct"}}, "source[privacy]"},
			{url.Values{"source[language]": {"english"}}, "source[language]"},
			{url.Values{"locked": {"maybe"}}, "locked"},
			{url.Values{"fields_attributes[0][name]": {""}, "fields_attributes[0][value]": {"orphan"}}, "fields_attributes"},
			{url.Values{
				"fields_attributes[0][name]": {"a"}, "fields_attributes[1][name]": {"b"}, "fields_attributes[2][name]": {"c"},
				"fields_attributes[3][name]": {"d"}, "fields_attributes[4][name]": {"e"},
			}, "fields_attributes"},
		} {
			var e errorBody
			patchForm(t, u, "/api/v1/accounts/update_credentials", tc.form, 422, &e)
			if !strings.Contains(e.Error, tc.field) {
				t.Errorf("%v: error %q does not name %s", tc.form, e.Error, tc.field)
			}
		}
		get(t, srv, u, "/api/v1/accounts/verify_credentials", 200, &a)
		if a.DisplayName != "Dr. A. Rivera" || len(a.Source.Fields) != 1 || a.Source.Privacy != "private" {
			t.Fatalf("a refused update changed the account: %+v", a)
		}

		// Avatar and header: re-encoded, no EXIF or GPS survives.
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for _, name := range []string{"avatar", "header"} {
			fw, _ := w.CreateFormFile(name, "photo.jpg")
			_, _ = fw.Write(mediatest.JPEG(t, 64, 48, 6))
		}
		_ = w.WriteField("display_name", "Rivera")
		_ = w.Close()
		decode(t, do(t, srv, u, "PATCH", "/api/v1/accounts/update_credentials", w.FormDataContentType(), &buf), 200, &a)
		if a.DisplayName != "Rivera" || !strings.HasPrefix(a.Avatar, srv.URL+"/system/") && !strings.Contains(a.Avatar, "/media/") {
			t.Fatalf("avatar = %q", a.Avatar)
		}
		for _, img := range []string{a.Avatar, a.Header} {
			if strings.Contains(img, "missing.png") {
				t.Fatalf("image not stored: %s", img)
			}
			res, err := http.Get(img)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				t.Fatalf("GET %s = %d", img, res.StatusCode)
			}
			mediatest.AssertClean(t, img, data)
		}
		// Replacing the avatar serves the new one; the old file goes.
		old := a.Avatar
		buf.Reset()
		w = multipart.NewWriter(&buf)
		fw, _ := w.CreateFormFile("avatar", "again.png")
		_, _ = fw.Write(mediatest.PNG(t, 32, 32, 1, false))
		_ = w.Close()
		decode(t, do(t, srv, u, "PATCH", "/api/v1/accounts/update_credentials", w.FormDataContentType(), &buf), 200, &a)
		if a.Avatar == old || a.Header == old {
			t.Errorf("avatar not replaced: %s", a.Avatar)
		}
		if res, err := http.Get(old); err == nil {
			res.Body.Close()
			if res.StatusCode != 404 {
				t.Errorf("replaced avatar still served: %d", res.StatusCode)
			}
		}
		// A file that is no image is 422 naming the field.
		buf.Reset()
		w = multipart.NewWriter(&buf)
		fw, _ = w.CreateFormFile("header", "x.jpg")
		_, _ = fw.Write([]byte("not an image at all"))
		_ = w.Close()
		var e errorBody
		decode(t, do(t, srv, u, "PATCH", "/api/v1/accounts/update_credentials", w.FormDataContentType(), &buf), 422, &e)
		if !strings.Contains(e.Error, "header") {
			t.Errorf("bad header: %q", e.Error)
		}

		// Scope and sign-in.
		decode(t, do(t, srv, nil, "PATCH", "/api/v1/accounts/update_credentials", "application/json", strings.NewReader("{}")), 401, &e)
		r := signIn(t, srv, "reader", "read")
		patchJSON(t, r, "/api/v1/accounts/update_credentials", map[string]any{"display_name": "x"}, 403, &e)
	})
}
