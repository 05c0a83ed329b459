package mastodon

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/filter"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// v1Draft binds a v1 filter: phrase, context[], irreversible, whole_word,
// expires_in; absent ones stay nil.
func (x *p1) v1Draft(c *gin.Context) (filter.V1Draft, bool) {
	rb := peekBody(c)
	p, ok := x.bindOr(c)
	if !ok {
		return filter.V1Draft{}, false
	}
	d := filter.V1Draft{Phrase: optText(p, "phrase"), Context: optList(p, "context")}
	var err error
	if d.Irreversible, err = p.boolPtr("irreversible"); err == nil {
		if d.WholeWord, err = p.boolPtr("whole_word"); err == nil {
			d.Expiry, err = expiry(p, rb)
		}
	}
	if err != nil {
		x.fail(c, err)
		return d, false
	}
	return d, true
}

// renderV1 answers with a v1 filter, or the error.
func (x *p1) renderV1(c *gin.Context, v *filter.V1, err error) {
	if err != nil {
		x.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, newV1Filter(*v))
}

// getV1Filters serves GET /api/v1/filters (methods/filters#get-v1): every
// keyword of the viewer's filters, each as a filter.
func (x *p1) getV1Filters(c *gin.Context) {
	vs, err := x.filters.V1List(c.Request.Context(), viewer(c))
	if err != nil {
		x.fail(c, err)
		return
	}
	out := make([]V1Filter, len(vs))
	for i, v := range vs {
		out[i] = newV1Filter(v)
	}
	jsonbody.Write(c, http.StatusOK, out)
}

// getV1Filter serves GET /api/v1/filters/:id (methods/filters#get-one-v1).
func (x *p1) getV1Filter(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	v, err := x.filters.V1Get(c.Request.Context(), viewer(c), id)
	x.renderV1(c, v, err)
}

// createV1Filter serves POST /api/v1/filters (methods/filters#create-v1):
// a filter titled with the phrase, holding it as its one keyword.
func (x *p1) createV1Filter(c *gin.Context) {
	d, ok := x.v1Draft(c)
	if !ok {
		return
	}
	v, err := x.filters.V1Create(c.Request.Context(), viewer(c), d)
	x.renderV1(c, v, err)
}

// updateV1Filter serves PUT /api/v1/filters/:id (methods/filters#update-v1).
func (x *p1) updateV1Filter(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	d, ok := x.v1Draft(c)
	if !ok {
		return
	}
	v, err := x.filters.V1Update(c.Request.Context(), viewer(c), id, d)
	x.renderV1(c, v, err)
}

// deleteV1Filter serves DELETE /api/v1/filters/:id
// (methods/filters#delete-v1): removes the keyword; {}.
func (x *p1) deleteV1Filter(c *gin.Context) {
	x.emptyByID(c, x.filters.V1Delete)
}
