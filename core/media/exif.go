package media

import (
	"bytes"
	"encoding/binary"
)

// The EXIF orientations (TIFF tag 0x0112): how the stored pixels must be
// turned to show the picture upright.
const (
	orientNormal     = 1 // as stored
	orientFlipH      = 2 // mirrored left to right
	orientRotate180  = 3
	orientFlipV      = 4 // mirrored top to bottom
	orientTranspose  = 5 // mirrored along the top-left/bottom-right diagonal
	orientRotate90CW = 6 // turn 90° clockwise to view
	orientTransverse = 7 // mirrored along the top-right/bottom-left diagonal
	orientRotate270  = 8 // turn 90° counter-clockwise to view
)

// swapsSides reports whether an orientation exchanges width and height.
func swapsSides(o int) bool { return o >= orientTranspose && o <= orientRotate270 }

// exifHeader starts the APP1 segment of a JPEG that holds EXIF data.
var exifHeader = []byte("Exif\x00\x00")

// orientationOf finds the EXIF orientation of an image of the given
// format, 1 when there is none or it cannot be read.
func orientationOf(format string, data []byte) int {
	var tiff []byte
	switch format {
	case formatJPEG:
		tiff = jpegEXIF(data)
	case formatPNG:
		tiff = pngChunk(data, "eXIf")
	case formatWebP:
		tiff = bytes.TrimPrefix(riffChunk(data, "EXIF"), exifHeader)
	}
	return tiffOrientation(tiff)
}

// jpegEXIF returns the TIFF structure in a JPEG's first EXIF APP1
// segment, nil when there is none. It stops at the start of scan.
func jpegEXIF(data []byte) []byte {
	i := 2
	for i+4 <= len(data) {
		if data[i] != 0xFF {
			return nil
		}
		marker := data[i+1]
		switch {
		case marker == 0xFF: // fill byte
			i++
			continue
		case marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7):
			i += 2
			continue
		case marker == 0xDA || marker == 0xD9: // start of scan, end of image
			return nil
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return nil
		}
		seg := data[i+4 : i+2+n]
		if marker == 0xE1 && bytes.HasPrefix(seg, exifHeader) {
			return seg[len(exifHeader):]
		}
		i += 2 + n
	}
	return nil
}

// pngChunk returns the data of a PNG's first chunk of type typ, nil when
// there is none.
func pngChunk(data []byte, typ string) []byte {
	i := 8
	for i+8 <= len(data) {
		n := int(binary.BigEndian.Uint32(data[i:]))
		if n < 0 || i+12+n > len(data) {
			return nil
		}
		if string(data[i+4:i+8]) == typ {
			return data[i+8 : i+8+n]
		}
		if string(data[i+4:i+8]) == "IEND" {
			return nil
		}
		i += 12 + n
	}
	return nil
}

// riffChunk returns the data of a WebP file's first top-level chunk with
// the four-character code fourCC, nil when there is none.
func riffChunk(data []byte, fourCC string) []byte {
	i := 12
	for i+8 <= len(data) {
		n := int(binary.LittleEndian.Uint32(data[i+4:]))
		if n < 0 || i+8+n > len(data) {
			return nil
		}
		if string(data[i:i+4]) == fourCC {
			return data[i+8 : i+8+n]
		}
		i += 8 + n + n&1
	}
	return nil
}

// tiffOrientation reads tag 0x0112 from the first IFD of a TIFF structure
// (the body of an EXIF block), 1 when it is absent or out of range.
func tiffOrientation(tiff []byte) int {
	if len(tiff) < 8 {
		return orientNormal
	}
	var order binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return orientNormal
	}
	if order.Uint16(tiff[2:]) != 42 {
		return orientNormal
	}
	ifd := int(order.Uint32(tiff[4:]))
	if ifd < 8 || ifd+2 > len(tiff) {
		return orientNormal
	}
	count := int(order.Uint16(tiff[ifd:]))
	for k := 0; k < count; k++ {
		e := ifd + 2 + 12*k
		if e+12 > len(tiff) {
			return orientNormal
		}
		if order.Uint16(tiff[e:]) != 0x0112 {
			continue
		}
		if typ := order.Uint16(tiff[e+2:]); typ != 3 { // SHORT
			return orientNormal
		}
		if o := int(order.Uint16(tiff[e+8:])); o >= orientNormal && o <= orientRotate270 {
			return o
		}
		return orientNormal
	}
	return orientNormal
}
