package pages

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/tag"
	"github.com/rounds-md/rounds/storage"
)

// tagPageSize is how many statuses a hashtag page lists.
const tagPageSize = 20

// tagPage is the data of the tag template.
type tagPage struct {
	Name     string
	Statuses []shownStatus
	// OlderURL is the next page's link, "" on the last page.
	OlderURL string
}

// Tag serves GET /tags/{name} (Mastodon's hashtag page): the newest public
// statuses of this instance with the hashtag, tagPageSize a page, older
// ones through ?max_id=. They are read as GET /api/v1/timelines/tag/:hashtag
// reads them for an anonymous viewer (tag.Service.Timeline with local),
// whoever is signed in, so the page is the same for everyone. A hashtag
// nobody used is an empty page, as on Mastodon; a name that cannot be a
// hashtag is a 404 page.
func (p *Pages) Tag(c *gin.Context) {
	ctx := c.Request.Context()
	name := c.Param("name")
	pg := storage.Page{Limit: tagPageSize}
	if v := c.Query("max_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			p.renderError(c, http.StatusBadRequest, "Bad request", "That page does not exist.")
			return
		}
		pg.MaxID = id
	}
	res, err := p.st.Tags.Timeline(ctx, nil, name, tag.TimelineFilter{LocalOnly: true}, pg)
	switch {
	case errors.Is(err, core.ErrNotFound):
		p.renderError(c, http.StatusNotFound, "Not found", "That is not a hashtag.")
		return
	case err != nil:
		p.log.ErrorContext(ctx, "tag page", "err", err)
		p.renderError(c, http.StatusInternalServerError, "Something went wrong", "Please try again later.")
		return
	}
	norm, _ := tag.Normalize(name)
	data := tagPage{Name: norm, Statuses: p.statusesOf(res.Statuses)}
	if len(res.Statuses) == tagPageSize {
		data.OlderURL = "/tags/" + url.PathEscape(norm) + "?max_id=" + strconv.FormatInt(res.Next, 10)
	}
	p.render(c, http.StatusOK, "tag", page{Title: "#" + norm, NoIndex: true, Data: data})
}
