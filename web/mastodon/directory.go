package mastodon

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/jsonbody"
	"github.com/rounds-md/rounds/web/oauth"
)

// directory serves GET /api/v1/directory (methods/directory): offset,
// limit (40, at most 80), order (active, new), local. Discoverable,
// unsuspended accounts only; fields as the viewer may see them.
func (h *Handler) directory(c *gin.Context) {
	h.listDirectory(c, false)
}

// roundsDirectory serves GET /api/v1/rounds/directory: the professional
// directory over local accounts and the remote Rounds profiles this
// instance knows, filtered by specialty, subspecialty, institution
// (substring), stage, graduation_year and q (name, institution,
// department, program, interests). A filter matches a field only where
// the viewer may see it. Paging and order as /api/v1/directory.
func (h *Handler) roundsDirectory(c *gin.Context) {
	h.listDirectory(c, true)
}

func (h *Handler) listDirectory(c *gin.Context, professional bool) {
	p, ok := h.bindOr(c)
	if !ok {
		return
	}
	q, err := directoryQuery(p, professional)
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	entries, err := h.pro.credentials.Directory(ctx, viewer(c), isStaff(c), q)
	if err != nil {
		h.fail(c, err)
		return
	}
	accts := make([]*storage.Account, len(entries))
	for i, e := range entries {
		accts[i] = e.Account
	}
	loaded, err := h.social.profiles.Load(ctx, accts)
	if err != nil {
		h.fail(c, err)
		return
	}
	out, err := h.accountsFor(c, loaded)
	if err != nil {
		h.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, out)
}

// directoryQuery binds the directory parameters.
func directoryQuery(p params, professional bool) (credential.DirectoryQuery, error) {
	q := credential.DirectoryQuery{Professional: professional}
	var err error
	if q.LocalOnly, err = p.flag("local"); err != nil {
		return q, err
	}
	q.Order, _ = p.opt("order")
	for _, n := range []struct {
		key string
		dst *int
	}{{"offset", &q.Offset}, {"limit", &q.Limit}, {"graduation_year", &q.GraduationYear}} {
		if v, ok := p.opt(n.key); ok {
			if *n.dst, err = strconv.Atoi(v); err != nil {
				return q, core.Invalid(n.key, "is not a number")
			}
		}
	}
	if professional {
		q.Specialty, _ = p.opt("specialty")
		q.Subspecialty, _ = p.opt("subspecialty")
		q.Institution, _ = p.opt("institution")
		q.Stage, _ = p.opt("stage")
		q.Text, _ = p.opt("q")
		q.Text = strings.TrimPrefix(q.Text, "@")
	}
	return q, nil
}

// isStaff reports whether the request's user is an admin or moderator.
func isStaff(c *gin.Context) bool {
	a := oauth.FromContext(c)
	return a != nil && a.User != nil && (a.User.Role == "admin" || a.User.Role == "moderator")
}
