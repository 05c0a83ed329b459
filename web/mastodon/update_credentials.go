package mastodon

import (
	"errors"
	"io"
	"net/http"
	"sort"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/httperr"
)

// fieldAttrKey matches fields_attributes[N][name|value] and
// fields_attributes[][name|value].
var fieldAttrKey = attrKey("fields_attributes")

// updateCredentials serves PATCH /api/v1/accounts/update_credentials
// (methods/accounts#update_credentials): display_name, note, avatar and
// header (multipart files, re-encoded by core/media so that no EXIF or
// GPS metadata survives), locked, bot, discoverable, fields_attributes
// (as an indexed hash or an array), source[privacy], source[sensitive],
// source[language]. hide_collections and indexable are accepted and
// ignored. Answers with the CredentialAccount.
func (h *Handler) updateCredentials(c *gin.Context) {
	max := int64(2*maxBodyBytes) + 2
	if h.Media != nil {
		max += 2 * h.Media.MaxFileSize()
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, max)
	p, ok := h.bindOr(c)
	if !ok {
		return
	}
	e, err := h.bindEdit(c, p)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			httperr.AbortMessage(c, http.StatusRequestEntityTooLarge, "The request is too large")
			return
		}
		h.fail(c, err)
		return
	}
	if _, err := h.pro.editor.Edit(c.Request.Context(), viewer(c), e); err != nil {
		h.fail(c, err)
		return
	}
	h.verifyCredentials(c)
}

// bindEdit reads an update_credentials request.
func (h *Handler) bindEdit(c *gin.Context, p params) (profile.Edit, error) {
	e := profile.Edit{
		DisplayName: optText(p, "display_name"), Note: optText(p, "note"),
		Privacy: optText(p, "source[privacy]"), Language: optText(p, "source[language]"),
	}
	if e.Privacy != nil && *e.Privacy == "" {
		e.Privacy = nil
	}
	var err error
	for _, b := range []struct {
		key string
		dst **bool
	}{{"locked", &e.Locked}, {"bot", &e.Bot}, {"discoverable", &e.Discoverable}, {"source[sensitive]", &e.Sensitive}} {
		if *b.dst, err = p.boolPtr(b.key); err != nil {
			return e, err
		}
	}
	if e.Fields, err = fieldsAttributes(p); err != nil {
		return e, err
	}
	if e.Avatar, err = formFile(c, "avatar"); err != nil {
		return e, err
	}
	if e.Header, err = formFile(c, "header"); err != nil {
		return e, err
	}
	return e, nil
}

// fieldsAttributes reads fields_attributes, nil when absent.
func fieldsAttributes(p params) (*[]storage.ProfileField, error) {
	type slot struct {
		idx         int
		name, value []string
	}
	slots := map[string]*slot{}
	for k, v := range p {
		m := fieldAttrKey.FindStringSubmatch(k)
		if m == nil || (m[2] != "name" && m[2] != "value") {
			continue
		}
		s := slots[m[1]]
		if s == nil {
			n, _ := strconv.Atoi(m[1])
			s = &slot{idx: n}
			slots[m[1]] = s
		}
		if m[2] == "name" {
			s.name = v
		} else {
			s.value = v
		}
	}
	if len(slots) == 0 {
		if present(p, "fields_attributes") {
			empty := []storage.ProfileField{}
			return &empty, nil
		}
		return nil, nil
	}
	keys := make([]string, 0, len(slots))
	for k := range slots {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool { return slots[keys[a]].idx < slots[keys[b]].idx })
	var out []storage.ProfileField
	for _, k := range keys {
		s := slots[k]
		n := max(len(s.name), len(s.value))
		if n > profile.MaxFields*4 {
			return nil, core.Invalid("fields_attributes", "has too many fields")
		}
		for i := 0; i < n; i++ {
			var f storage.ProfileField
			if i < len(s.name) {
				f.Name = s.name[i]
			}
			if i < len(s.value) {
				f.Value = s.value[i]
			}
			out = append(out, f)
		}
	}
	return &out, nil
}

// formFile reads an uploaded multipart file part, nil when absent.
func formFile(c *gin.Context, name string) ([]byte, error) {
	mf := c.Request.MultipartForm
	if mf == nil || len(mf.File[name]) == 0 {
		return nil, nil
	}
	f, err := mf.File[name][0].Open()
	if err != nil {
		return nil, core.Invalid(name, "could not be read")
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, core.Invalid(name, "could not be read")
	}
	if len(b) == 0 {
		return nil, core.Invalid(name, "is empty")
	}
	return b, nil
}
