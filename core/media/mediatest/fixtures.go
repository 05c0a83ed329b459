// Package mediatest builds image fixtures laden with metadata (EXIF with
// GPS and a camera make, XMP, IPTC, comments, PNG text chunks, WebP
// metadata chunks) for tests, and checks that processed files carry none
// of it. Fixtures are made in Go at test time; nothing is downloaded.
package mediatest

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
)

// Secrets are strings the fixtures hide in their metadata; none may
// appear in a processed file.
var Secrets = []string{CameraMake, "x:xmpmeta", "patient-secret", "Photoshop 3.0", "8BIM"}

// CameraMake is the camera make written into EXIF blocks.
const CameraMake = "RoundsTestCam-9F3A"

// Red and Blue are the fixture colours: the top-left quadrant is Red,
// the rest Blue, so a test can tell which way up a picture is.
var (
	Red  = color.NRGBA{R: 230, G: 20, B: 20, A: 255}
	Blue = color.NRGBA{R: 20, G: 20, B: 230, A: 255}
)

// Pattern returns a w×h image whose top-left quadrant is Red and the
// rest Blue; with alpha, the bottom-right quadrant is transparent.
func Pattern(w, h int, alpha bool) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := Blue
			if x < w/2 && y < h/2 {
				c = Red
			}
			if alpha && x >= w/2 && y >= h/2 {
				c = color.NRGBA{}
			}
			m.SetNRGBA(x, y, c)
		}
	}
	return m
}

// Stored returns the pixels a camera would store for a picture that
// shows upright as m when displayed with EXIF orientation o: m turned or
// mirrored the opposite way.
func Stored(m *image.NRGBA, o int) *image.NRGBA {
	W, H := m.Bounds().Dx(), m.Bounds().Dy()
	sw, sh := W, H
	if o >= 5 && o <= 8 {
		sw, sh = H, W
	}
	s := image.NewNRGBA(image.Rect(0, 0, sw, sh))
	for y := 0; y < sh; y++ {
		for x := 0; x < sw; x++ {
			dx, dy := x, y
			switch o {
			case 2:
				dx = W - 1 - x
			case 3:
				dx, dy = W-1-x, H-1-y
			case 4:
				dy = H - 1 - y
			case 5:
				dx, dy = y, x
			case 6: // displayed turned clockwise: store it turned counter-clockwise
				dx, dy = W-1-y, x
			case 7:
				dx, dy = W-1-y, H-1-x
			case 8: // displayed turned counter-clockwise: store it turned clockwise
				dx, dy = y, H-1-x
			}
			s.SetNRGBA(x, y, m.NRGBAAt(dx, dy))
		}
	}
	return s
}

// EXIF builds a TIFF structure (the body of an EXIF block) with the camera
// make, an orientation, and a GPS IFD holding a latitude, in the given
// byte order.
func EXIF(order binary.ByteOrder, orientation int) []byte {
	type entry struct {
		tag, typ uint16
		count    uint32
		value    []byte // inline when at most 4 bytes, else stored after the IFDs
	}
	u16 := func(v uint16) []byte { b := make([]byte, 2); order.PutUint16(b, v); return b }
	u32 := func(v uint32) []byte { b := make([]byte, 4); order.PutUint32(b, v); return b }
	rational := func(n, d uint32) []byte { return append(u32(n), u32(d)...) }
	makeStr := append([]byte(CameraMake), 0)
	lat := append(append(rational(48, 1), rational(51, 1)...), rational(2913, 100)...)

	const ifd0At = 8
	ifd0 := []entry{
		{0x010F, 2, uint32(len(makeStr)), makeStr},
		{0x0112, 3, 1, u16(uint16(orientation))},
		{0x8825, 4, 1, nil}, // GPS IFD offset, filled below
	}
	gps := []entry{
		{0x0001, 2, 2, []byte("N\x00")},
		{0x0002, 5, 3, lat},
	}
	gpsAt := ifd0At + 2 + 12*len(ifd0) + 4
	dataAt := gpsAt + 2 + 12*len(gps) + 4
	ifd0[2].value = u32(uint32(gpsAt))

	var data []byte
	writeIFD := func(out *bytes.Buffer, entries []entry) {
		out.Write(u16(uint16(len(entries))))
		for _, e := range entries {
			out.Write(u16(e.tag))
			out.Write(u16(e.typ))
			out.Write(u32(e.count))
			if len(e.value) <= 4 {
				v := make([]byte, 4)
				copy(v, e.value)
				out.Write(v)
			} else {
				out.Write(u32(uint32(dataAt + len(data))))
				data = append(data, e.value...)
			}
		}
		out.Write(u32(0)) // no next IFD
	}
	var out bytes.Buffer
	if order == binary.LittleEndian {
		out.WriteString("II")
	} else {
		out.WriteString("MM")
	}
	out.Write(u16(42))
	out.Write(u32(ifd0At))
	writeIFD(&out, ifd0)
	writeIFD(&out, gps)
	out.Write(data)
	return out.Bytes()
}

// xmp is an XMP packet naming the camera and a GPS position.
const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
	`<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="48,51.2913N" ` +
	`xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Make="` + CameraMake + `"/></rdf:RDF></x:xmpmeta>`

// JPEG returns a JPEG that shows a w×h Pattern upright when its EXIF
// orientation is applied (its pixels are stored turned accordingly),
// carrying an EXIF APP1 segment (make, GPS, orientation), an XMP APP1
// segment, an IPTC APP13 segment and a comment.
func JPEG(t testing.TB, w, h, orientation int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, Stored(Pattern(w, h, false), orientation), &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	plain := buf.Bytes()
	segment := func(marker byte, payload []byte) []byte {
		n := len(payload) + 2
		return append([]byte{0xFF, marker, byte(n >> 8), byte(n)}, payload...)
	}
	var out bytes.Buffer
	out.Write(plain[:2]) // SOI
	out.Write(segment(0xE1, append([]byte("Exif\x00\x00"), EXIF(binary.BigEndian, orientation)...)))
	out.Write(segment(0xE1, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), xmp...)))
	out.Write(segment(0xED, []byte("Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0f\x1c\x02\x78\x00\x0bpatient-secret")))
	out.Write(segment(0xFE, []byte("patient-secret comment")))
	out.Write(plain[2:])
	return out.Bytes()
}

// pngChunk encodes one PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	b := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(b, uint32(len(data)))
	copy(b[4:], typ)
	b = append(b, data...)
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	return binary.BigEndian.AppendUint32(b, crc.Sum32())
}

// deflate zlib-compresses s, as zTXt and iCCP chunks hold their text.
func deflate(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zlib.NewWriter(&b)
	if _, err := z.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// PNG returns a PNG that shows a w×h Pattern (with a transparent
// quadrant when alpha) upright once its orientation is applied, carrying eXIf (make, GPS, orientation), tEXt, iTXt (XMP), zTXt, tIME
// and iCCP chunks before its image data.
func PNG(t testing.TB, w, h, orientation int, alpha bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, Stored(Pattern(w, h, alpha), orientation)); err != nil {
		t.Fatal(err)
	}
	plain := buf.Bytes()
	const ihdrEnd = 8 + 12 + 13
	var out bytes.Buffer
	out.Write(plain[:ihdrEnd])
	out.Write(pngChunk("eXIf", EXIF(binary.LittleEndian, orientation)))
	out.Write(pngChunk("tEXt", []byte("Comment\x00patient-secret text")))
	out.Write(pngChunk("iTXt", append([]byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"), xmp...)))
	out.Write(pngChunk("zTXt", append([]byte("Author\x00\x00"), deflate(t, "patient-secret author")...)))
	out.Write(pngChunk("tIME", []byte{0x07, 0xea, 11, 27, 12, 0, 0}))
	out.Write(pngChunk("iCCP", append([]byte("patient-secret profile\x00\x00"), deflate(t, "not a real profile")...)))
	out.Write(plain[ihdrEnd:])
	return out.Bytes()
}

// GIF returns a w×h Pattern GIF (one frame, web palette) carrying a
// comment extension and an XMP application extension.
func GIF(t testing.TB, w, h int) []byte {
	t.Helper()
	src := Pattern(w, h, false)
	m := image.NewPaletted(src.Bounds(), palette.WebSafe)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.Set(x, y, src.At(x, y))
		}
	}
	var buf bytes.Buffer
	if err := gif.Encode(&buf, m, nil); err != nil {
		t.Fatal(err)
	}
	plain := buf.Bytes()
	at := 13
	if flags := plain[10]; flags&0x80 != 0 {
		at += 3 << ((flags & 7) + 1)
	}
	subBlocks := func(p []byte) []byte {
		var b []byte
		for len(p) > 0 {
			n := min(len(p), 255)
			b = append(b, byte(n))
			b = append(b, p[:n]...)
			p = p[n:]
		}
		return append(b, 0)
	}
	var out bytes.Buffer
	out.Write(plain[:at])
	out.Write(append([]byte{0x21, 0xFE}, subBlocks([]byte("patient-secret gif comment"))...))
	out.Write(append([]byte{0x21, 0xFF, 11}, "XMP DataXMP"...))
	out.Write(subBlocks([]byte(xmp)))
	out.Write(plain[at:])
	return out.Bytes()
}

// AnimatedGIF returns a two-frame w×h GIF whose first frame is Pattern
// and whose second is all Red.
func AnimatedGIF(t testing.TB, w, h int) []byte {
	t.Helper()
	first := image.NewPaletted(image.Rect(0, 0, w, h), palette.WebSafe)
	second := image.NewPaletted(image.Rect(0, 0, w, h), palette.WebSafe)
	src := Pattern(w, h, false)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			first.Set(x, y, src.At(x, y))
			second.Set(x, y, Red)
		}
	}
	var buf bytes.Buffer
	err := gif.EncodeAll(&buf, &gif.GIF{Image: []*image.Paletted{first, second}, Delay: []int{10, 10}})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
