package mastodon

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/filter"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// filterDraft binds a v2 filter: title, context[], filter_action,
// expires_in, keywords_attributes[]; absent ones stay nil.
func (x *p1) filterDraft(c *gin.Context) (filter.Draft, bool) {
	rb := peekBody(c)
	p, ok := x.bindOr(c)
	if !ok {
		return filter.Draft{}, false
	}
	d := filter.Draft{Title: optText(p, "title"), Context: optList(p, "context")}
	if v, ok := p.opt("filter_action"); ok {
		d.Action = &v
	}
	var err error
	if d.Expiry, err = expiry(p, rb); err == nil {
		d.Keywords, err = keywordChanges(p, rb)
	}
	if err != nil {
		x.fail(c, err)
		return d, false
	}
	return d, true
}

// renderFilter answers with a filter and its rules, or the error.
func (x *p1) renderFilter(c *gin.Context, set *storage.FilterSet, err error) {
	if err != nil {
		x.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, newFilterSet(*set))
}

// getFilters serves GET /api/v2/filters (methods/filters#get).
func (x *p1) getFilters(c *gin.Context) {
	sets, err := x.filters.List(c.Request.Context(), viewer(c))
	if err != nil {
		x.fail(c, err)
		return
	}
	out := make([]Filter, len(sets))
	for i, s := range sets {
		out[i] = newFilterSet(s)
	}
	jsonbody.Write(c, http.StatusOK, out)
}

// getFilter serves GET /api/v2/filters/:id (methods/filters#get-one):
// 404 for another's filter.
func (x *p1) getFilter(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	set, err := x.filters.Get(c.Request.Context(), viewer(c), id)
	x.renderFilter(c, set, err)
}

// createFilter serves POST /api/v2/filters (methods/filters#create).
func (x *p1) createFilter(c *gin.Context) {
	d, ok := x.filterDraft(c)
	if !ok {
		return
	}
	set, err := x.filters.Create(c.Request.Context(), viewer(c), d)
	x.renderFilter(c, set, err)
}

// updateFilter serves PUT /api/v2/filters/:id (methods/filters#update):
// keywords_attributes entries with an id change that keyword, with
// _destroy remove it, without an id add one.
func (x *p1) updateFilter(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	d, ok := x.filterDraft(c)
	if !ok {
		return
	}
	set, err := x.filters.Update(c.Request.Context(), viewer(c), id, d)
	x.renderFilter(c, set, err)
}

// deleteFilter serves DELETE /api/v2/filters/:id (methods/filters#delete): {}.
func (x *p1) deleteFilter(c *gin.Context) {
	x.emptyByID(c, x.filters.Delete)
}

// filterKeywords serves GET /api/v2/filters/:filter_id/keywords
// (methods/filters#keywords-get).
func (x *p1) filterKeywords(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	kws, err := x.filters.Keywords(c.Request.Context(), viewer(c), id)
	if err != nil {
		x.fail(c, err)
		return
	}
	out := make([]FilterKeyword, len(kws))
	for i, k := range kws {
		out[i] = newFilterKeyword(k)
	}
	jsonbody.Write(c, http.StatusOK, out)
}

// keywordParams binds keyword and whole_word.
func (x *p1) keywordParams(c *gin.Context) (filter.KeywordChange, bool) {
	p, ok := x.bindOr(c)
	if !ok {
		return filter.KeywordChange{}, false
	}
	ch := filter.KeywordChange{Keyword: optText(p, "keyword")}
	var err error
	if ch.WholeWord, err = p.boolPtr("whole_word"); err != nil {
		x.fail(c, err)
		return ch, false
	}
	return ch, true
}

// addFilterKeyword serves POST /api/v2/filters/:filter_id/keywords
// (methods/filters#keywords-create): keyword, whole_word.
func (x *p1) addFilterKeyword(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	ch, ok := x.keywordParams(c)
	if !ok {
		return
	}
	k, err := x.filters.AddKeyword(c.Request.Context(), viewer(c), id, ch)
	x.renderKeyword(c, k, err)
}

// getFilterKeyword serves GET /api/v2/filters/keywords/:id
// (methods/filters#keywords-get-one).
func (x *p1) getFilterKeyword(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	k, err := x.filters.Keyword(c.Request.Context(), viewer(c), id)
	x.renderKeyword(c, k, err)
}

// updateFilterKeyword serves PUT /api/v2/filters/keywords/:id
// (methods/filters#keywords-update).
func (x *p1) updateFilterKeyword(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	ch, ok := x.keywordParams(c)
	if !ok {
		return
	}
	k, err := x.filters.UpdateKeyword(c.Request.Context(), viewer(c), id, ch)
	x.renderKeyword(c, k, err)
}

func (x *p1) renderKeyword(c *gin.Context, k *storage.FilterKeyword, err error) {
	if err != nil {
		x.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, newFilterKeyword(*k))
}

// deleteFilterKeyword serves DELETE /api/v2/filters/keywords/:id
// (methods/filters#keywords-delete): {}.
func (x *p1) deleteFilterKeyword(c *gin.Context) {
	x.emptyByID(c, x.filters.DeleteKeyword)
}

// filterStatuses serves GET /api/v2/filters/:filter_id/statuses
// (methods/filters#statuses-get).
func (x *p1) filterStatuses(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	sts, err := x.filters.Statuses(c.Request.Context(), viewer(c), id)
	if err != nil {
		x.fail(c, err)
		return
	}
	out := make([]FilterStatus, len(sts))
	for i, s := range sts {
		out[i] = newFilterStatus(s)
	}
	jsonbody.Write(c, http.StatusOK, out)
}

// addFilterStatus serves POST /api/v2/filters/:filter_id/statuses
// (methods/filters#statuses-add): status_id, a status the viewer may see
// (422 otherwise).
func (x *p1) addFilterStatus(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	p, ok := x.bindOr(c)
	if !ok {
		return
	}
	statusID, err := p.id("status_id")
	if err != nil {
		x.fail(c, err)
		return
	}
	fs, err := x.filters.AddStatus(c.Request.Context(), viewer(c), id, statusID)
	x.renderFilterStatus(c, fs, err)
}

// getFilterStatus serves GET /api/v2/filters/statuses/:id
// (methods/filters#statuses-get-one).
func (x *p1) getFilterStatus(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	fs, err := x.filters.Status(c.Request.Context(), viewer(c), id)
	x.renderFilterStatus(c, fs, err)
}

func (x *p1) renderFilterStatus(c *gin.Context, fs *storage.FilterStatus, err error) {
	if err != nil {
		x.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, newFilterStatus(*fs))
}

// removeFilterStatus serves DELETE /api/v2/filters/statuses/:id
// (methods/filters#statuses-remove): {}.
func (x *p1) removeFilterStatus(c *gin.Context) {
	x.emptyByID(c, x.filters.RemoveStatus)
}
