package media

import (
	"bytes"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"

	"github.com/bbrks/go-blurhash"
	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// JPEG qualities of processed files: high for the original photo, a
// little lower for the small preview.
const (
	originalQuality = 90
	smallQuality    = 82
)

// blurhash components (Mastodon uses 4×4) and the side of the tiny image
// the hash is computed from.
const (
	blurhashX    = 4
	blurhashY    = 4
	blurhashSide = 32
)

// encoded is one processed file.
type encoded struct {
	data          []byte
	typ           string
	width, height int
}

// processed is what processing an upload yields.
type processed struct {
	original encoded
	small    encoded
	blurhash string
}

// decodeUpright decodes the whole image (the first frame of a GIF, drawn
// on its full canvas) and turns it upright by its EXIF orientation. The
// result is a fresh RGBA or NRGBA image with no tie to the source bytes.
// Call it only on data that passed inspect.
func decodeUpright(data []byte, p probe) (draw.Image, error) {
	r := bytes.NewReader(data)
	var (
		src image.Image
		err error
	)
	switch p.format {
	case formatJPEG:
		src, err = jpeg.Decode(r)
	case formatPNG:
		src, err = png.Decode(r)
	case formatGIF:
		src, err = gif.Decode(r) // the first frame only
	case formatWebP:
		src, err = webp.Decode(r)
	default:
		return nil, errUnsupported
	}
	if err != nil {
		return nil, fmt.Errorf("media: decode %s: %w", p.format, err)
	}
	canvas := image.Rect(0, 0, p.width, p.height)
	var flat draw.Image
	if p.outType == TypePNG {
		flat = image.NewNRGBA(canvas)
	} else {
		flat = image.NewRGBA(canvas)
	}
	// A GIF frame may cover part of the canvas; the rest stays transparent.
	draw.Draw(flat, src.Bounds(), src, src.Bounds().Min, draw.Src)
	return orient(flat, p.orientation), nil
}

// pixels returns the 4-bytes-per-pixel buffer of an RGBA or NRGBA image.
func pixels(m draw.Image) ([]uint8, int) {
	switch m := m.(type) {
	case *image.RGBA:
		return m.Pix, m.Stride
	case *image.NRGBA:
		return m.Pix, m.Stride
	}
	panic("media: orient: unexpected image type")
}

// orient applies an EXIF orientation to an RGBA or NRGBA image whose
// bounds start at (0, 0), returning a new image (or m itself for 1).
func orient(m draw.Image, o int) draw.Image {
	if o <= orientNormal || o > orientRotate270 {
		return m
	}
	w, h := m.Bounds().Dx(), m.Bounds().Dy()
	dw, dh := w, h
	if swapsSides(o) {
		dw, dh = h, w
	}
	var out draw.Image
	if _, ok := m.(*image.NRGBA); ok {
		out = image.NewNRGBA(image.Rect(0, 0, dw, dh))
	} else {
		out = image.NewRGBA(image.Rect(0, 0, dw, dh))
	}
	src, sStride := pixels(m)
	dst, dStride := pixels(out)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case orientFlipH:
				dx, dy = w-1-x, y
			case orientRotate180:
				dx, dy = w-1-x, h-1-y
			case orientFlipV:
				dx, dy = x, h-1-y
			case orientTranspose:
				dx, dy = y, x
			case orientRotate90CW:
				dx, dy = h-1-y, x
			case orientTransverse:
				dx, dy = h-1-y, w-1-x
			case orientRotate270:
				dx, dy = y, w-1-x
			}
			copy(dst[dy*dStride+dx*4:dy*dStride+dx*4+4], src[y*sStride+x*4:y*sStride+x*4+4])
		}
	}
	return out
}

// fit returns the size of an image of w×h scaled down (never up) so that
// its longer side is at most side.
func fit(w, h, side int) (int, int) {
	if w <= side && h <= side {
		return w, h
	}
	if w >= h {
		return side, max(1, (h*side+w/2)/w)
	}
	return max(1, (w*side+h/2)/h), side
}

// scale returns m scaled to w×h with a Catmull-Rom filter, in the same
// pixel format.
func scale(m draw.Image, w, h int) draw.Image {
	b := m.Bounds()
	if b.Dx() == w && b.Dy() == h {
		return m
	}
	var out draw.Image
	if _, ok := m.(*image.NRGBA); ok {
		out = image.NewNRGBA(image.Rect(0, 0, w, h))
	} else {
		out = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	draw.CatmullRom.Scale(out, out.Bounds(), m, b, draw.Src, nil)
	return out
}

// encode writes m as typ. The standard library's encoders write pixels
// and the chunks or segments needed to read them, and no metadata at all.
func encode(m image.Image, typ string, quality int) (encoded, error) {
	var buf bytes.Buffer
	var err error
	if typ == TypePNG {
		enc := png.Encoder{CompressionLevel: png.DefaultCompression}
		err = enc.Encode(&buf, m)
	} else {
		err = jpeg.Encode(&buf, m, &jpeg.Options{Quality: quality})
	}
	if err != nil {
		return encoded{}, fmt.Errorf("media: encode %s: %w", typ, err)
	}
	return encoded{data: buf.Bytes(), typ: typ, width: m.Bounds().Dx(), height: m.Bounds().Dy()}, nil
}

// smallOf makes the small preview of an upright image.
func smallOf(m draw.Image, typ string, side int) (draw.Image, encoded, error) {
	b := m.Bounds()
	sw, sh := fit(b.Dx(), b.Dy(), side)
	small := scale(m, sw, sh)
	enc, err := encode(small, typ, smallQuality)
	return small, enc, err
}

// hashOf computes the blurhash of an image from a tiny copy of it.
func hashOf(m draw.Image) (string, error) {
	b := m.Bounds()
	tw, th := fit(b.Dx(), b.Dy(), blurhashSide)
	tiny := image.NewRGBA(image.Rect(0, 0, tw, th))
	draw.ApproxBiLinear.Scale(tiny, tiny.Bounds(), m, b, draw.Src, nil)
	h, err := blurhash.Encode(blurhashX, blurhashY, tiny)
	if err != nil {
		return "", fmt.Errorf("media: blurhash: %w", err)
	}
	return h, nil
}

// process turns an inspected upload (and an optional custom thumbnail,
// also inspected) into metadata-free files: the upright original, its
// small preview (from the thumbnail when one was given) and a blurhash.
func process(data []byte, p probe, thumb []byte, tp probe, side int) (processed, error) {
	var out processed
	img, err := decodeUpright(data, p)
	if err != nil {
		return out, err
	}
	if out.original, err = encode(img, p.outType, originalQuality); err != nil {
		return out, err
	}
	preview := img
	previewType := p.outType
	if thumb != nil {
		if preview, err = decodeUpright(thumb, tp); err != nil {
			return out, err
		}
		previewType = tp.outType
	}
	small, enc, err := smallOf(preview, previewType, side)
	if err != nil {
		return out, err
	}
	out.small = enc
	if out.blurhash, err = hashOf(small); err != nil {
		return out, err
	}
	return out, nil
}
