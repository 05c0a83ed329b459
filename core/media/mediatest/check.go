package mediatest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	_ "image/jpeg" // decoders for Decode
	_ "image/png"
	"testing"
)

// JPEGMarkers lists the markers of a JPEG's segments up to the start of
// scan, then the SOS marker itself.
func JPEGMarkers(data []byte) ([]byte, error) {
	if !bytes.HasPrefix(data, []byte{0xFF, 0xD8}) {
		return nil, fmt.Errorf("not a JPEG")
	}
	markers := []byte{0xD8}
	for i := 2; ; {
		if i+4 > len(data) || data[i] != 0xFF {
			return markers, fmt.Errorf("bad segment at %d", i)
		}
		m := data[i+1]
		markers = append(markers, m)
		if m == 0xDA {
			return markers, nil
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		i += 2 + n
	}
}

// PNGChunks lists the chunk types of a PNG, checking every CRC.
func PNGChunks(data []byte) ([]string, error) {
	if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
		return nil, fmt.Errorf("not a PNG")
	}
	var types []string
	for i := 8; i < len(data); {
		if i+12 > len(data) {
			return types, fmt.Errorf("truncated chunk at %d", i)
		}
		n := int(binary.BigEndian.Uint32(data[i:]))
		if i+12+n > len(data) {
			return types, fmt.Errorf("truncated chunk at %d", i)
		}
		typ := string(data[i+4 : i+8])
		if crc32.ChecksumIEEE(data[i+4:i+8+n]) != binary.BigEndian.Uint32(data[i+8+n:]) {
			return types, fmt.Errorf("bad CRC in %s", typ)
		}
		types = append(types, typ)
		i += 12 + n
	}
	return types, nil
}

// allowedJPEG are the only segments a metadata-free JPEG needs: start of
// image, quantisation and Huffman tables, frame headers, restart interval
// and start of scan. Any APPn (EXIF, XMP, IPTC, ICC, JFIF) or comment
// fails the check.
var allowedJPEG = map[byte]bool{0xD8: true, 0xDB: true, 0xC4: true, 0xC0: true, 0xC1: true, 0xC2: true, 0xDD: true, 0xDA: true}

// allowedPNG are the only chunks a metadata-free PNG needs. eXIf, tEXt,
// iTXt, zTXt, tIME, iCCP and every other ancillary chunk fail the check.
var allowedPNG = map[string]bool{"IHDR": true, "PLTE": true, "tRNS": true, "IDAT": true, "IEND": true}

// AssertClean fails the test unless data is a JPEG or PNG with no
// metadata segment or chunk at all and none of the Secrets in its bytes.
func AssertClean(t testing.TB, name string, data []byte) {
	t.Helper()
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8}):
		markers, err := JPEGMarkers(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		for _, m := range markers {
			if !allowedJPEG[m] {
				t.Errorf("%s: JPEG has a segment with marker 0x%02X (segments: % X)", name, m, markers)
			}
		}
	case bytes.HasPrefix(data, []byte("\x89PNG")):
		chunks, err := PNGChunks(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		for _, c := range chunks {
			if !allowedPNG[c] {
				t.Errorf("%s: PNG has a %s chunk (chunks: %v)", name, c, chunks)
			}
		}
	default:
		t.Errorf("%s: neither JPEG nor PNG (starts % x)", name, data[:min(8, len(data))])
	}
	for _, s := range Secrets {
		if bytes.Contains(data, []byte(s)) {
			t.Errorf("%s: contains %q", name, s)
		}
	}
}

// Decode decodes a processed JPEG or PNG, failing the test on error.
func Decode(t testing.TB, name string, data []byte) image.Image {
	t.Helper()
	m, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: decode: %v", name, err)
	}
	return m
}

// Near reports whether c is within a JPEG's error of want.
func Near(c color.Color, want color.NRGBA) bool {
	got := color.NRGBAModel.Convert(c).(color.NRGBA)
	d := func(a, b uint8) int { return max(int(a), int(b)) - min(int(a), int(b)) }
	return d(got.R, want.R) < 48 && d(got.G, want.G) < 48 && d(got.B, want.B) < 48 && d(got.A, want.A) < 48
}

// AssertUpright checks that m shows Pattern the right way up: Red in the
// top-left quadrant and Blue in the top-right one.
func AssertUpright(t testing.TB, name string, m image.Image) {
	t.Helper()
	b := m.Bounds()
	tl := m.At(b.Min.X+b.Dx()/4, b.Min.Y+b.Dy()/4)
	tr := m.At(b.Min.X+b.Dx()*3/4, b.Min.Y+b.Dy()/4)
	if !Near(tl, Red) || !Near(tr, Blue) {
		t.Errorf("%s: not upright: top-left %v, top-right %v", name, tl, tr)
	}
}

// BombPNG returns a PNG whose header claims w×h pixels followed by a tiny
// image-data chunk: a decompression bomb's header.
func BombPNG(w, h int) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, pngChunk("IEND", nil)...)
}

// BombJPEG returns a baseline JPEG header claiming w×h pixels (at most
// 65535 on a side), a start of scan and no image data.
func BombJPEG(w, h int) []byte {
	sof := []byte{0xFF, 0xC0, 0, 17, 8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), 3,
		1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1}
	sos := []byte{0xFF, 0xDA, 0, 12, 3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0}
	out := []byte{0xFF, 0xD8}
	out = append(out, sof...)
	out = append(out, sos...)
	return append(out, 0xFF, 0xD9)
}
