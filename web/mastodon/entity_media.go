package mastodon

import (
	"fmt"
	"strconv"
	"time"

	"github.com/rounds-md/rounds/storage"
)

// MediaAttachment is the MediaAttachment entity (docs
// entities/MediaAttachment). URL is null only while a v2 upload is
// processing; never put an unprocessed attachment inside a Status.
type MediaAttachment struct {
	ID               string     `json:"id"`
	Type             string     `json:"type"`
	URL              *string    `json:"url"`
	PreviewURL       *string    `json:"preview_url"`
	RemoteURL        *string    `json:"remote_url"`
	PreviewRemoteURL *string    `json:"preview_remote_url"`
	TextURL          *string    `json:"text_url"`
	Meta             *MediaMeta `json:"meta"`
	Description      *string    `json:"description"`
	Blurhash         *string    `json:"blurhash"`
}

// MediaMeta is MediaAttachment.meta for images.
type MediaMeta struct {
	Original *MediaSize `json:"original,omitempty"`
	Small    *MediaSize `json:"small,omitempty"`
	Focus    MediaFocus `json:"focus"`
}

// MediaSize is one file's dimensions in MediaAttachment.meta; Size is
// "WxH", as Mastodon sends it.
type MediaSize struct {
	Width  int     `json:"width"`
	Height int     `json:"height"`
	Size   string  `json:"size"`
	Aspect float64 `json:"aspect"`
}

// MediaFocus is the focal point in MediaAttachment.meta, each coordinate
// in [-1, 1] from the centre.
type MediaFocus struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// mediaSize renders one file's dimensions; nil when unknown.
func mediaSize(w, h int) *MediaSize {
	if w <= 0 || h <= 0 {
		return nil
	}
	return &MediaSize{Width: w, Height: h, Size: fmt.Sprintf("%dx%d", w, h), Aspect: float64(w) / float64(h)}
}

// mediaAttachment renders an attachment. Status renderers call it (or
// mediaAttachments) with the rows of storage.Store.MediaForStatuses. The
// URLs of an upload not attached yet are signed, as its files are not
// public (media.Service.Authorize); statusMedia signs those of
// non-public statuses.
func (h *Handler) mediaAttachment(m *storage.MediaAttachment) MediaAttachment {
	out := h.plainMediaAttachment(m)
	if m.StatusID == nil {
		out.URL, out.PreviewURL = h.Media.SignedURLs(m, time.Now())
	}
	return out
}

// plainMediaAttachment renders an attachment with its plain URLs.
func (h *Handler) plainMediaAttachment(m *storage.MediaAttachment) MediaAttachment {
	return MediaAttachment{
		ID:          strconv.FormatInt(m.ID, 10),
		Type:        m.Type,
		URL:         h.Media.FileURL(m),
		PreviewURL:  h.Media.PreviewURL(m),
		RemoteURL:   m.RemoteURL,
		Description: m.Description,
		Blurhash:    m.Blurhash,
		Meta: &MediaMeta{
			Original: mediaSize(m.Width, m.Height),
			Small:    mediaSize(m.SmallWidth, m.SmallHeight),
			Focus:    MediaFocus{X: m.FocusX, Y: m.FocusY},
		},
	}
}
