package mastodon

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/list"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// allMembers is the page size of GET /api/v1/lists/:id/accounts?limit=0,
// which Mastodon answers with every member.
const allMembers = 1 << 20

// listDraft reads title, replies_policy and exclusive; absent ones are nil.
func listDraft(p params) (list.Draft, error) {
	var d list.Draft
	if _, ok := p["title"]; ok {
		t := p.text("title")
		d.Title = &t
	}
	if v, ok := p.opt("replies_policy"); ok {
		d.RepliesPolicy = &v
	}
	var err error
	d.Exclusive, err = p.boolPtr("exclusive")
	return d, err
}

// accountIDs reads account_ids[] as IDs.
func accountIDs(p params) ([]int64, error) {
	var out []int64
	for _, v := range p.list("account_ids") {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return nil, core.Invalid("account_ids", "contains an invalid ID")
		}
		out = append(out, id)
	}
	return out, nil
}

// getLists serves GET /api/v1/lists (methods/lists#get).
func (x *p1) getLists(c *gin.Context) {
	ls, err := x.lists.All(c.Request.Context(), viewer(c))
	if err != nil {
		x.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, newLists(ls))
}

// getList serves GET /api/v1/lists/:id (methods/lists#get-one): 404 for
// another's list.
func (x *p1) getList(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	l, err := x.lists.Get(c.Request.Context(), viewer(c), id)
	if err != nil {
		x.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, newList(*l))
}

// createList serves POST /api/v1/lists (methods/lists#create): title,
// replies_policy (followed, list, none), exclusive.
func (x *p1) createList(c *gin.Context) {
	p, ok := x.bindOr(c)
	if !ok {
		return
	}
	d, err := listDraft(p)
	if err != nil {
		x.fail(c, err)
		return
	}
	l, err := x.lists.Create(c.Request.Context(), viewer(c), d)
	if err != nil {
		x.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, newList(*l))
}

// updateList serves PUT /api/v1/lists/:id (methods/lists#update).
func (x *p1) updateList(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	p, ok := x.bindOr(c)
	if !ok {
		return
	}
	d, err := listDraft(p)
	if err != nil {
		x.fail(c, err)
		return
	}
	l, err := x.lists.Update(c.Request.Context(), viewer(c), id, d)
	if err != nil {
		x.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, newList(*l))
}

// deleteList serves DELETE /api/v1/lists/:id (methods/lists#delete): {}.
func (x *p1) deleteList(c *gin.Context) {
	x.emptyByID(c, x.lists.Delete)
}

// listAccounts serves GET /api/v1/lists/:id/accounts
// (methods/lists#accounts), paged by membership (limit 40, at most 80;
// limit=0 gives every member).
func (x *p1) listAccounts(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	p, ok := x.bindOr(c)
	if !ok {
		return
	}
	pg := p.page(accountPage)
	if p.text("limit") == "0" {
		pg.Limit = allMembers
	}
	ms, err := x.lists.Members(c.Request.Context(), viewer(c), id, pg)
	if err != nil {
		x.fail(c, err)
		return
	}
	out, err := accountsFor(x.Handler, c, ms, func(m *list.Member) *profile.Account { return &m.Account })
	if err != nil {
		x.fail(c, err)
		return
	}
	if len(ms) > 0 && pg.Limit != allMembers {
		x.setLink(c, ms[len(ms)-1].Cursor, ms[0].Cursor)
	}
	jsonbody.Write(c, http.StatusOK, out)
}

// addListAccounts serves POST /api/v1/lists/:id/accounts
// (methods/lists#accounts-add): account_ids[], each an account the owner
// follows (422 otherwise, 404 for an unknown one); {}.
func (x *p1) addListAccounts(c *gin.Context) {
	x.changeMembers(c, x.lists.Add)
}

// removeListAccounts serves DELETE /api/v1/lists/:id/accounts
// (methods/lists#accounts-remove): account_ids[]; {}.
func (x *p1) removeListAccounts(c *gin.Context) {
	x.changeMembers(c, x.lists.Remove)
}

func (x *p1) changeMembers(c *gin.Context, change func(context.Context, *storage.Account, int64, []int64) error) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	p, ok := x.bindOr(c)
	if !ok {
		return
	}
	ids, err := accountIDs(p)
	if err != nil {
		x.fail(c, err)
		return
	}
	if err := change(c.Request.Context(), viewer(c), id, ids); err != nil {
		x.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, gin.H{})
}

// accountLists serves GET /api/v1/accounts/:id/lists
// (methods/accounts#lists): the viewer's lists that have the account.
func (x *p1) accountLists(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	ls, err := x.lists.Containing(c.Request.Context(), viewer(c), id)
	if err != nil {
		x.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, newLists(ls))
}

// listTimeline serves GET /api/v1/timelines/list/:id
// (methods/timelines#list): paged like home; 404 for another's list.
func (x *p1) listTimeline(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	p, ok := x.bindOr(c)
	if !ok {
		return
	}
	me := viewer(c)
	res, err := x.lists.Timeline(c.Request.Context(), me, id, p.page(statusPage))
	if err != nil {
		x.fail(c, err)
		return
	}
	if len(res.Statuses) > 0 {
		x.setLink(c, res.Next, res.Prev)
	}
	out, ok := x.statusesFor(c, res.Statuses)
	if !ok {
		return
	}
	jsonbody.Write(c, http.StatusOK, out)
}
