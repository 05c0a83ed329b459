package mastodon

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/search"
	"github.com/rounds-md/rounds/web/httperr"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// searchPage is a search's limit per type: 20, at most 40.
var searchPage = pageSize{20, 40}

// SearchResults is the Search entity (docs entities/Search): all three
// lists, always.
type SearchResults struct {
	Accounts []Account `json:"accounts"`
	Statuses []Status  `json:"statuses"`
	Hashtags []Hashtag `json:"hashtags"`
}

// searchV2 serves GET /api/v2/search (methods/search#v2): q, type,
// resolve, following, account_id, max_id, min_id, limit, offset. resolve
// and offset need a user token (401 otherwise, as on Mastodon).
func (x *more) searchV2(c *gin.Context) {
	q, ok := x.searchQuery(c)
	if !ok {
		return
	}
	me := viewer(c)
	res, err := x.search.Search(c.Request.Context(), me, q)
	if err != nil {
		x.fail(c, err)
		return
	}
	statuses, ok := x.statusesFor(c, res.Statuses)
	if !ok {
		return
	}
	accounts, err := x.accountsFor(c, res.Accounts)
	if err != nil {
		x.fail(c, err)
		return
	}
	out := SearchResults{Accounts: accounts, Statuses: statuses, Hashtags: make([]Hashtag, len(res.Hashtags))}
	for i, t := range res.Hashtags {
		out.Hashtags[i] = x.hashtag(t, me != nil)
	}
	jsonbody.Write(c, http.StatusOK, out)
}

// searchAccounts serves GET /api/v1/accounts/search
// (methods/accounts#search): q, resolve, following, limit, offset.
func (x *more) searchAccounts(c *gin.Context) {
	q, ok := x.searchQuery(c)
	if !ok {
		return
	}
	accts, err := x.search.SearchAccounts(c.Request.Context(), viewer(c), q)
	if err != nil {
		x.fail(c, err)
		return
	}
	out, err := x.accountsFor(c, accts)
	if err != nil {
		x.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, out)
}

// searchQuery binds a search's parameters, answering 400 when q is
// missing (as Rails does for a required parameter).
func (x *more) searchQuery(c *gin.Context) (search.Query, bool) {
	p, ok := x.bindOr(c)
	if !ok {
		return search.Query{}, false
	}
	var q search.Query
	if q.Q, ok = p.opt("q"); !ok {
		httperr.AbortMessage(c, http.StatusBadRequest, "param is missing or the value is empty: q")
		return q, false
	}
	q.Type, _ = p.opt("type")
	var err error
	if q.Resolve, err = p.flag("resolve"); err == nil {
		if q.Following, err = p.flag("following"); err == nil {
			q.AccountID, err = p.id("account_id")
		}
	}
	if err != nil {
		x.fail(c, err)
		return q, false
	}
	q.Page = p.page(searchPage)
	if n, err := strconv.Atoi(p.text("offset")); err == nil && n > 0 {
		q.Offset = n
	}
	return q, true
}
