package media

import (
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/media/mediatest"
)

func TestOrient(t *testing.T) {
	a := color.NRGBA{R: 1, A: 255}
	b := color.NRGBA{R: 2, A: 255}
	c := color.NRGBA{R: 3, A: 255}
	d := color.NRGBA{R: 4, A: 255}
	// Stored as rows [a b] [c d]; each orientation says how to show it.
	for _, tc := range []struct {
		o    int
		want [2][2]color.NRGBA
	}{
		{1, [2][2]color.NRGBA{{a, b}, {c, d}}},
		{2, [2][2]color.NRGBA{{b, a}, {d, c}}},
		{3, [2][2]color.NRGBA{{d, c}, {b, a}}},
		{4, [2][2]color.NRGBA{{c, d}, {a, b}}},
		{5, [2][2]color.NRGBA{{a, c}, {b, d}}},
		{6, [2][2]color.NRGBA{{c, a}, {d, b}}},
		{7, [2][2]color.NRGBA{{d, b}, {c, a}}},
		{8, [2][2]color.NRGBA{{b, d}, {a, c}}},
	} {
		m := image.NewNRGBA(image.Rect(0, 0, 2, 2))
		m.SetNRGBA(0, 0, a)
		m.SetNRGBA(1, 0, b)
		m.SetNRGBA(0, 1, c)
		m.SetNRGBA(1, 1, d)
		got := orient(m, tc.o).(*image.NRGBA)
		for y := 0; y < 2; y++ {
			for x := 0; x < 2; x++ {
				if got.NRGBAAt(x, y) != tc.want[y][x] {
					t.Errorf("orientation %d: pixel (%d,%d) = %v, want %v", tc.o, x, y, got.NRGBAAt(x, y), tc.want[y][x])
				}
			}
		}
		// A 3×2 image becomes 2×3 when the orientation turns it.
		wide := image.NewRGBA(image.Rect(0, 0, 3, 2))
		if b := orient(wide, tc.o).Bounds(); swapsSides(tc.o) != (b.Dx() == 2 && b.Dy() == 3) {
			t.Errorf("orientation %d: 3×2 became %v", tc.o, b)
		}
	}
}

func TestTIFFOrientation(t *testing.T) {
	for _, tc := range []struct {
		name string
		tiff []byte
		want int
	}{
		{"big-endian 6", mediatest.EXIF(binary.BigEndian, 6), 6},
		{"little-endian 8", mediatest.EXIF(binary.LittleEndian, 8), 8},
		{"out of range", mediatest.EXIF(binary.LittleEndian, 9), 1},
		{"empty", nil, 1},
		{"truncated", mediatest.EXIF(binary.BigEndian, 6)[:20], 1},
		{"bad magic", []byte("MM\x00\x2b\x00\x00\x00\x08"), 1},
		{"IFD offset past the end", []byte("II\x2a\x00\xff\x00\x00\x00"), 1},
	} {
		if got := tiffOrientation(tc.tiff); got != tc.want {
			t.Errorf("%s: orientation %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestInspect(t *testing.T) {
	lossyWebP := append([]byte("RIFF\x00\x00\x00\x00WEBPVP8 \x12\x00\x00\x00"),
		0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x10, 0x00, 0x08, 0x00, 0, 0, 0, 0, 0, 0, 0, 0)
	animated := []byte("RIFF\x00\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x02\x00\x00\x00\x09\x00\x00\x09\x00\x00")
	for _, b := range [][]byte{lossyWebP, animated} {
		binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	}
	for _, tc := range []struct {
		name        string
		data        []byte
		format      string
		w, h        int // upright
		orientation int
		out         string
		invalid     string // the start of the reason, when refused
	}{
		{"jpeg rotated", mediatest.JPEG(t, 40, 20, 6), formatJPEG, 40, 20, 6, TypeJPEG, ""},
		{"png with alpha", mediatest.PNG(t, 30, 20, 1, true), formatPNG, 30, 20, 1, TypePNG, ""},
		{"gif", mediatest.GIF(t, 16, 12), formatGIF, 16, 12, 1, TypePNG, ""},
		{"lossless webp", mediatest.WebP(t, 24, 10, 8), formatWebP, 24, 10, 8, TypePNG, ""},
		{"lossy webp", lossyWebP, formatWebP, 16, 8, 1, TypeJPEG, ""},
		{"animated webp", animated, formatWebP, 0, 0, 0, "", "is an animated WebP"},
		{"text renamed", []byte("just some text, not an image"), "", 0, 0, 0, "", "must be a JPEG"},
		{"html", []byte("<!DOCTYPE html><svg onload=alert(1)>"), "", 0, 0, 0, "", "must be a JPEG"},
		{"truncated jpeg", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00}, formatJPEG, 0, 0, 0, "", "is not a readable"},
		{"png bomb", mediatest.BombPNG(100000, 100000), formatPNG, 0, 0, 0, "", "is 100000×100000 pixels"},
		{"jpeg bomb", mediatest.BombJPEG(65535, 65535), formatJPEG, 0, 0, 0, "", "is 65535×65535 pixels"},
		{"webp bomb", mediatest.BombWebP(20000, 20000), formatWebP, 0, 0, 0, "", "is 20000×20000 pixels"},
		{"webp canvas beyond 2^31 pixels", mediatest.BombWebP(100000, 100000), formatWebP, 0, 0, 0, "", "is not a readable"},
		{"just over the limit", mediatest.BombPNG(7681, 4320), formatPNG, 0, 0, 0, "", "is 7681×4320 pixels"},
	} {
		p, err := inspect(tc.data, DefaultMaxPixels)
		if tc.invalid != "" {
			var inv *core.InvalidError
			if !errors.As(err, &inv) || !strings.HasPrefix(inv.Reason, tc.invalid) {
				t.Errorf("%s: err = %v, want an invalid file that %s...", tc.name, err, tc.invalid)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		w, h := p.upright()
		if p.format != tc.format || w != tc.w || h != tc.h || p.orientation != tc.orientation || p.outType != tc.out {
			t.Errorf("%s: %+v (upright %dx%d), want %s %dx%d orientation %d as %s",
				tc.name, p, w, h, tc.format, tc.w, tc.h, tc.orientation, tc.out)
		}
	}
	// Exactly at the limit passes the header check.
	if _, err := inspect(mediatest.BombPNG(7680, 4320), DefaultMaxPixels); err != nil {
		t.Errorf("7680×4320: %v", err)
	}
}

func TestProcessStripsMetadataAndTurnsUpright(t *testing.T) {
	for _, tc := range []struct {
		name          string
		data          []byte
		typ           string
		w, h          int
		smallW, small int
	}{
		{"jpeg orientation 6", mediatest.JPEG(t, 1000, 600, 6), TypeJPEG, 1000, 600, 640, 384},
		{"jpeg orientation 8", mediatest.JPEG(t, 300, 900, 8), TypeJPEG, 300, 900, 213, 640},
		{"jpeg orientation 3", mediatest.JPEG(t, 200, 100, 3), TypeJPEG, 200, 100, 200, 100},
		{"png orientation 5", mediatest.PNG(t, 120, 80, 5, false), TypePNG, 120, 80, 120, 80},
		{"webp orientation 7", mediatest.WebP(t, 50, 40, 7), TypePNG, 50, 40, 50, 40},
		{"jpeg orientation 1", mediatest.JPEG(t, 300, 200, 1), TypeJPEG, 300, 200, 300, 200},
		{"png", mediatest.PNG(t, 800, 800, 1, true), TypePNG, 800, 800, 640, 640},
		{"gif", mediatest.GIF(t, 64, 48), TypePNG, 64, 48, 64, 48},
		{"animated gif: first frame", mediatest.AnimatedGIF(t, 64, 48), TypePNG, 64, 48, 64, 48},
		{"webp", mediatest.WebP(t, 40, 30, 1), TypePNG, 40, 30, 40, 30},
	} {
		p, err := inspect(tc.data, DefaultMaxPixels)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		res, err := process(tc.data, p, nil, probe{}, DefaultSmallSide)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for _, f := range []struct {
			name string
			enc  encoded
			w, h int
		}{{"original", res.original, tc.w, tc.h}, {"small", res.small, tc.smallW, tc.small}} {
			name := tc.name + " " + f.name
			mediatest.AssertClean(t, name, f.enc.data)
			m := mediatest.Decode(t, name, f.enc.data)
			if b := m.Bounds(); b.Dx() != f.w || b.Dy() != f.h || f.enc.width != f.w || f.enc.height != f.h || f.enc.typ != tc.typ {
				t.Errorf("%s: %v %dx%d as %s, want %dx%d as %s", name, b, f.enc.width, f.enc.height, f.enc.typ, f.w, f.h, tc.typ)
			}
			mediatest.AssertUpright(t, name, m)
		}
		if len(res.blurhash) != 4+2*blurhashX*blurhashY {
			t.Errorf("%s: blurhash %q", tc.name, res.blurhash)
		}
	}
}

func TestFitAndFocus(t *testing.T) {
	for _, tc := range []struct{ w, h, ww, wh int }{
		{1000, 600, 640, 384}, {600, 1000, 384, 640}, {640, 640, 640, 640}, {100, 50, 100, 50}, {10000, 1, 640, 1},
	} {
		if w, h := fit(tc.w, tc.h, 640); w != tc.ww || h != tc.wh {
			t.Errorf("fit(%d, %d) = %d×%d, want %d×%d", tc.w, tc.h, w, h, tc.ww, tc.wh)
		}
	}
	for _, tc := range []struct {
		in   string
		x, y float64
		ok   bool
	}{
		{"0.5,-0.25", 0.5, -0.25, true}, {" -1 , 1 ", -1, 1, true}, {"", 0, 0, true},
		{"1.5,0", 0, 0, false}, {"0.1", 0, 0, false}, {"a,b", 0, 0, false}, {"NaN,0", 0, 0, false},
	} {
		x, y, err := parseFocus(tc.in)
		if (err == nil) != tc.ok || x != tc.x || y != tc.y {
			t.Errorf("parseFocus(%q) = %v, %v, %v", tc.in, x, y, err)
		}
	}
}
