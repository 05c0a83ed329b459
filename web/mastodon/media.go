package mastodon

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/httperr"
	"github.com/rounds-md/rounds/web/jsonbody"
	"github.com/rounds-md/rounds/web/oauth"
)

// mediaRoutes mounts the media endpoints (methods/media). Every one needs
// a user token with write:media, GET included, as in Mastodon.
func mediaRoutes(r gin.IRouter, h *Handler) {
	w := oauth.RequireUser("write:media")
	r.POST("/api/v1/media", w, h.createMediaV1)
	r.POST("/api/v2/media", w, h.createMediaV2)
	r.GET("/api/v1/media/:id", w, h.getMedia)
	r.PUT("/api/v1/media/:id", w, h.updateMedia)
	r.DELETE("/api/v1/media/:id", w, h.deleteMedia)
}

// maxTextPart caps a description or focus part of an upload (the
// description limit is in characters, up to four bytes each).
const maxTextPart = 4*media.DefaultMaxDescription + 64

// createMediaV1 serves POST /api/v1/media (methods/media#v1): the legacy
// synchronous upload; the image is processed before the reply, 200.
func (h *Handler) createMediaV1(c *gin.Context) { h.createMedia(c, true) }

// createMediaV2 serves POST /api/v2/media (methods/media#v2): 202 with
// url null (preview_url set) while a job processes the image, 200 if it
// is already done.
func (h *Handler) createMediaV2(c *gin.Context) { h.createMedia(c, false) }

// createMedia binds the multipart upload (file, thumbnail, description,
// focus) and stores it.
func (h *Handler) createMedia(c *gin.Context, wait bool) {
	up, status, err := readUpload(c, h.Media.MaxFileSize())
	if err != nil {
		if status != 0 {
			httperr.AbortMessage(c, status, err.Error())
			return
		}
		h.fail(c, err)
		return
	}
	m, err := h.Media.Create(c.Request.Context(), viewer(c).ID, up, wait)
	if err != nil {
		h.fail(c, err)
		return
	}
	code := http.StatusOK
	if !m.Ready() {
		code = http.StatusAccepted
	}
	jsonbody.Write(c, code, h.mediaAttachment(m))
}

// readUpload reads a multipart upload part by part, holding at most
// max+1 bytes of each file (an oversized file is then refused by
// media.Create with 422, as Mastodon does). A request body beyond two
// files and their fields is cut off with 413. File names and the parts'
// Content-Types are ignored: the type is told from the bytes.
func readUpload(c *gin.Context, max int64) (media.Upload, int, error) {
	var up media.Upload
	ct, params, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || ct != "multipart/form-data" || params["boundary"] == "" {
		return up, 0, core.Invalid("file", "is missing (send multipart/form-data)")
	}
	body := http.MaxBytesReader(c.Writer, c.Request.Body, 2*max+1<<20)
	mr := multipart.NewReader(body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return up, bodyStatus(err), errors.New(bodyMessage(err))
		}
		limit := int64(maxTextPart)
		if name := part.FormName(); name == "file" || name == "thumbnail" {
			limit = max + 1
		}
		data, err := io.ReadAll(io.LimitReader(part, limit))
		_ = part.Close()
		if err != nil {
			return up, bodyStatus(err), errors.New(bodyMessage(err))
		}
		switch part.FormName() {
		case "file":
			up.File = data
		case "thumbnail":
			up.Thumbnail = data
		case "description":
			s := string(data)
			up.Description = &s
		case "focus":
			s := string(data)
			up.Focus = &s
		}
	}
	return up, 0, nil
}

// bodyStatus is the status for a body that could not be read: 413 past
// the size cap, 400 when it is not valid multipart.
func bodyStatus(err error) int {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

// bodyMessage is the message for bodyStatus.
func bodyMessage(err error) string {
	if bodyStatus(err) == http.StatusRequestEntityTooLarge {
		return "The upload is too large"
	}
	return "The request body could not be parsed"
}

// getMedia serves GET /api/v1/media/:id (methods/media#get): 206 while
// processing, 200 when done; another account's, or attached, media is 404.
func (h *Handler) getMedia(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	m, err := h.Media.Get(c.Request.Context(), viewer(c).ID, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	jsonbody.Write(c, mediaStatus(m.Ready()), h.mediaAttachment(m))
}

// updateMedia serves PUT /api/v1/media/:id (methods/media#update):
// description and focus; 206 while processing, 200 when done.
func (h *Handler) updateMedia(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	p, ok := h.bindOr(c)
	if !ok {
		return
	}
	var e media.Edit
	if v, set := p["description"]; set && len(v) > 0 {
		e.Description = &v[0]
	}
	if v, set := p["focus"]; set && len(v) > 0 {
		e.Focus = &v[0]
	}
	m, err := h.Media.Update(c.Request.Context(), viewer(c).ID, id, e)
	if err != nil {
		h.fail(c, err)
		return
	}
	jsonbody.Write(c, mediaStatus(m.Ready()), h.mediaAttachment(m))
}

// deleteMedia serves DELETE /api/v1/media/:id (methods/media#delete, 4.4):
// only the owner's unattached media; 200 with {}.
func (h *Handler) deleteMedia(c *gin.Context) {
	h.emptyByID(c, func(ctx context.Context, me *storage.Account, id int64) error {
		return h.Media.Delete(ctx, me.ID, id)
	})
}

// mediaStatus is 200 for processed media and 206 while processing, the
// codes Tusky and masto.js poll for.
func mediaStatus(ready bool) int {
	if ready {
		return http.StatusOK
	}
	return http.StatusPartialContent
}
