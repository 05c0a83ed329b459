package media

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/webp"

	"github.com/rounds-md/rounds/core"
)

// The formats Rounds accepts, by what their bytes say they are.
const (
	formatJPEG = "jpeg"
	formatPNG  = "png"
	formatGIF  = "gif"
	formatWebP = "webp"
)

// The types processed files are stored as.
const (
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
)

// SupportedTypes are the MIME types of the uploads Rounds accepts. Treat
// it as read-only; callers that hand it out copy it (slices.Clone).
var SupportedTypes = []string{"image/jpeg", "image/png", "image/webp", "image/gif"}

// errUnsupported is the answer to a file that is not an accepted image.
var errUnsupported = core.Invalid("file", "must be a JPEG, PNG, WebP or GIF image")

// probe is what an upload's header says, read without decoding pixels.
type probe struct {
	format        string // formatJPEG, ...
	width, height int    // as stored, before orientation
	orientation   int    // EXIF orientation, 1..8
	outType       string // TypeJPEG or TypePNG
}

// upright returns the dimensions once the orientation is applied.
func (p probe) upright() (int, int) {
	if swapsSides(p.orientation) {
		return p.height, p.width
	}
	return p.width, p.height
}

// sniff tells the format from the first bytes, never from a file name or
// a client's Content-Type.
func sniff(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return formatJPEG
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return formatPNG
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return formatGIF
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return formatWebP
	}
	return ""
}

// inspect checks an upload from its header alone: an accepted format, a
// readable header and at most maxPixels pixels. Nothing is decoded past
// the header, so a small file claiming enormous dimensions (a
// decompression bomb) is refused before any pixel buffer is allocated.
func inspect(data []byte, maxPixels int64) (probe, error) {
	p := probe{format: sniff(data)}
	var (
		cfg image.Config
		err error
	)
	r := bytes.NewReader(data)
	switch p.format {
	case formatJPEG:
		cfg, err = jpeg.DecodeConfig(r)
	case formatPNG:
		cfg, err = png.DecodeConfig(r)
	case formatGIF:
		cfg, err = gif.DecodeConfig(r)
	case formatWebP:
		if webpAnimated(data) {
			return p, core.Invalid("file", "is an animated WebP image, which is not supported")
		}
		cfg, err = webp.DecodeConfig(r)
	default:
		return p, errUnsupported
	}
	if err != nil {
		return p, core.Invalid("file", fmt.Sprintf("is not a readable %s image", p.format))
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return p, core.Invalid("file", "has no pixels")
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return p, core.Invalid("file", fmt.Sprintf("is %d×%d pixels, more than the limit of %d pixels", cfg.Width, cfg.Height, maxPixels))
	}
	p.width, p.height = cfg.Width, cfg.Height
	p.orientation = orientationOf(p.format, data)
	p.outType = outputType(p.format, cfg.ColorModel)
	return p, nil
}

// outputType chooses how a processed image is stored: JPEG for JPEG
// photos and lossy WebP without alpha; PNG for PNG and GIF (lossless
// sources, often with transparency) and for WebP that is lossless or has
// alpha. The choice depends on the header only, so it is known (and the
// preview URL fixed) before processing.
func outputType(format string, model color.Model) string {
	switch format {
	case formatJPEG:
		return TypeJPEG
	case formatWebP:
		if model == color.YCbCrModel {
			return TypeJPEG
		}
	}
	return TypePNG
}

// webpAnimated reports whether a WebP file's VP8X header has the
// animation flag.
func webpAnimated(data []byte) bool {
	vp8x := riffChunk(data, "VP8X")
	return len(vp8x) >= 1 && vp8x[0]&0x02 != 0
}

// extension is the file name extension of a stored type.
func extension(typ string) string {
	if typ == TypePNG {
		return ".png"
	}
	return ".jpg"
}
