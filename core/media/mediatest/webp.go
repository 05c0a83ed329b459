package mediatest

import (
	"encoding/binary"
	"image"
	"testing"
)

// bitWriter packs bits least significant first, as VP8L reads them.
type bitWriter struct {
	buf []byte
	acc uint64
	n   uint
}

func (w *bitWriter) write(v uint64, bits uint) {
	w.acc |= v << w.n
	w.n += bits
	for w.n >= 8 {
		w.buf = append(w.buf, byte(w.acc))
		w.acc >>= 8
		w.n -= 8
	}
}

func (w *bitWriter) bytes() []byte {
	if w.n > 0 {
		w.buf = append(w.buf, byte(w.acc))
		w.acc, w.n = 0, 0
	}
	return w.buf
}

// codeLengthOrder is the order in which VP8L stores the code lengths of
// its code-length code.
var codeLengthOrder = [19]int{17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}

// writeFlatCode writes a normal prefix code over an alphabet of size n in
// which the symbols 0..255 all have length 8 (so symbol s is coded as the
// 8 bits of s) and any others length 0. Its code-length code gives the
// lengths 0 and 8 one bit each.
func writeFlatCode(w *bitWriter, n int) {
	w.write(0, 1) // a normal, not a simple, code
	count := 12   // up to codeLengthOrder[11] == 8
	w.write(uint64(count-4), 4)
	for _, sym := range codeLengthOrder[:count] {
		l := uint64(0)
		if sym == 0 || sym == 8 {
			l = 1
		}
		w.write(l, 3)
	}
	w.write(0, 1) // code lengths for the whole alphabet follow
	for s := 0; s < n; s++ {
		if s < 256 {
			w.write(1, 1) // code 1: length 8
		} else {
			w.write(0, 1) // code 0: length 0
		}
	}
}

// writeSymbol writes an 8-bit symbol of a flat code, most significant
// bit of the code first.
func writeSymbol(w *bitWriter, s uint8) {
	for i := 7; i >= 0; i-- {
		w.write(uint64(s>>uint(i))&1, 1)
	}
}

// vp8l encodes m as a VP8L (lossless WebP) bitstream: no transforms, no
// colour cache, no back-references, every channel a flat 8-bit code.
func vp8l(m *image.NRGBA) []byte {
	b := m.Bounds()
	w := &bitWriter{}
	w.write(0x2f, 8)
	w.write(uint64(b.Dx()-1), 14)
	w.write(uint64(b.Dy()-1), 14)
	w.write(1, 1)            // alpha is used
	w.write(0, 3)            // version 0
	w.write(0, 1)            // no transform
	w.write(0, 1)            // no colour cache
	w.write(0, 1)            // no meta prefix codes
	writeFlatCode(w, 256+24) // green, length prefixes
	writeFlatCode(w, 256)    // red
	writeFlatCode(w, 256)    // blue
	writeFlatCode(w, 256)    // alpha
	// distance: a simple code with the single symbol 0 (never read)
	w.write(1, 1)
	w.write(0, 1)
	w.write(0, 1)
	w.write(0, 1)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := m.NRGBAAt(x, y)
			writeSymbol(w, c.G)
			writeSymbol(w, c.R)
			writeSymbol(w, c.B)
			writeSymbol(w, c.A)
		}
	}
	return w.bytes()
}

// riffChunk encodes one RIFF chunk, padded to an even length.
func riffChunk(fourCC string, data []byte) []byte {
	b := append([]byte(fourCC), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(data)))
	b = append(b, data...)
	if len(data)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

// riff wraps chunks in a RIFF WEBP container.
func riff(chunks ...[]byte) []byte {
	var body []byte
	body = append(body, "WEBP"...)
	for _, c := range chunks {
		body = append(body, c...)
	}
	out := append([]byte("RIFF"), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(out[4:], uint32(len(body)))
	return append(out, body...)
}

// vp8x encodes an extended-format header with the given flags and canvas.
func vp8x(flags byte, w, h int) []byte {
	d := make([]byte, 10)
	d[0] = flags
	w, h = w-1, h-1
	d[4], d[5], d[6] = byte(w), byte(w>>8), byte(w>>16)
	d[7], d[8], d[9] = byte(h), byte(h>>8), byte(h>>16)
	return riffChunk("VP8X", d)
}

// WebP returns a lossless extended WebP that shows a w×h Pattern (with
// a transparent quadrant) upright once its orientation is applied, carrying EXIF (make, GPS, orientation) and XMP
// chunks. Go's standard library cannot write WebP; this writer produces
// the simplest valid VP8L bitstream, which golang.org/x/image/webp and
// libwebp decode.
func WebP(t testing.TB, w, h, orientation int) []byte {
	t.Helper()
	const alpha, exif, xmpFlag = 0x10, 0x08, 0x04
	stored := Stored(Pattern(w, h, true), orientation)
	sw, sh := stored.Bounds().Dx(), stored.Bounds().Dy()
	return riff(
		vp8x(alpha|exif|xmpFlag, sw, sh),
		riffChunk("VP8L", vp8l(stored)),
		riffChunk("EXIF", EXIF(binary.LittleEndian, orientation)),
		riffChunk("XMP ", []byte(xmp)),
	)
}

// BombWebP returns a WebP header claiming a w×h canvas (up to 2^24 on a
// side) with a tiny image chunk: a decompression bomb's header.
func BombWebP(w, h int) []byte {
	return riff(vp8x(0, w, h), riffChunk("VP8L", vp8l(Pattern(2, 2, false))))
}
