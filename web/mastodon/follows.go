package mastodon

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/follow"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// followAccount serves POST /api/v1/accounts/:id/follow
// (methods/accounts#follow): reblogs, notify; a locked account gets a
// request (requested: true).
func (h *Handler) followAccount(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	p, ok := h.bindOr(c)
	if !ok {
		return
	}
	var o follow.Options
	var err error
	if o.Reblogs, err = p.boolPtr("reblogs"); err != nil {
		h.fail(c, err)
		return
	}
	if o.Notify, err = p.boolPtr("notify"); err != nil {
		h.fail(c, err)
		return
	}
	r, err := h.social.follows.Follow(c.Request.Context(), viewer(c), id, o)
	h.relationship(c, r, err)
}

// relationAction serves the POST actions that answer with a Relationship:
// /api/v1/accounts/:id/{unfollow,block,unblock} and
// /api/v1/follow_requests/:account_id/{authorize,reject}.
func (h *Handler) relationAction(param string, act func(*follow.Service, context.Context, *storage.Account, int64) (*follow.Relationship, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := pathID(c, param)
		if !ok {
			return
		}
		r, err := act(h.social.follows, c.Request.Context(), viewer(c), id)
		h.relationship(c, r, err)
	}
}

func (h *Handler) relationship(c *gin.Context, r *follow.Relationship, err error) {
	if err != nil {
		h.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, relationship(*r))
}

// relationships serves GET /api/v1/accounts/relationships?id[]=
// (methods/accounts#relationships): one entry per id, in order; plain id=
// works too. An id that cannot name an account (not a positive number) is
// left out.
func (h *Handler) relationships(c *gin.Context) {
	p, ok := h.bindOr(c)
	if !ok {
		return
	}
	var ids []int64
	for _, s := range p.list("id") {
		if id, ok := parseID(s); ok {
			ids = append(ids, id)
		}
	}
	rs, err := h.social.follows.Relationships(c.Request.Context(), viewer(c), ids)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]Relationship, len(rs))
	for i, r := range rs {
		out[i] = relationship(r)
	}
	jsonbody.Write(c, http.StatusOK, out)
}

// accountList serves the account lists paged by their join rows:
// GET /api/v1/accounts/:id/followers, .../following, /api/v1/follow_requests
// and /api/v1/blocks.
func (h *Handler) accountList(load func(c *gin.Context, p storage.Page) ([]follow.Entry, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := h.bindOr(c)
		if !ok {
			return
		}
		entries, err := load(c, p.page(accountPage))
		if err != nil {
			h.fail(c, err)
			return
		}
		out, err := accountsFor(h, c, entries, func(e *follow.Entry) *profile.Account { return &e.Account })
		if err != nil {
			h.fail(c, err)
			return
		}
		if len(entries) > 0 {
			h.setLink(c, entries[len(entries)-1].Cursor, entries[0].Cursor)
		}
		jsonbody.Write(c, http.StatusOK, out)
	}
}

func (h *Handler) followers(c *gin.Context, p storage.Page) ([]follow.Entry, error) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		return nil, errNotFound
	}
	return h.social.follows.Followers(c.Request.Context(), id, p)
}

func (h *Handler) following(c *gin.Context, p storage.Page) ([]follow.Entry, error) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		return nil, errNotFound
	}
	return h.social.follows.Following(c.Request.Context(), id, p)
}

func (h *Handler) followRequests(c *gin.Context, p storage.Page) ([]follow.Entry, error) {
	return h.social.follows.Requests(c.Request.Context(), viewer(c), p)
}

func (h *Handler) blocks(c *gin.Context, p storage.Page) ([]follow.Entry, error) {
	return h.social.follows.Blocks(c.Request.Context(), viewer(c), p)
}
