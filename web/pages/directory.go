package pages

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/credential"
)

// directoryPage is the data of the directory template.
type directoryPage struct {
	Query       credential.DirectoryQuery
	GradYear    string
	Specialties []credential.Specialty
	Stages      []credential.Term
	Entries     []directoryEntry
	Error       string
	Searched    bool
	Viewer      string
}

// directoryEntry is one person found.
type directoryEntry struct {
	DisplayName string
	Acct        string
	Link        string
	// Here is a remote account's page on this instance ("" for local
	// accounts), where a signed-in viewer may ask for more.
	Here     string
	Lines    []shownLine
	Verified *verifiedBadge
}

// Directory serves GET /directory: the professional directory as a page,
// with the filters of GET /api/v1/rounds/directory. A signed-in viewer
// finds what their audience allows; others what the public sees.
func (p *Pages) Directory(c *gin.Context) {
	private(c)
	ctx := c.Request.Context()
	ws := p.session(c)
	q := credential.DirectoryQuery{
		Professional: true, Specialty: c.Query("specialty"), Subspecialty: c.Query("subspecialty"),
		Institution: c.Query("institution"), Stage: c.Query("stage"), Text: c.Query("q"),
		LocalOnly: c.Query("local") == "true", Limit: credential.MaxDirectoryLimit,
	}
	data := directoryPage{
		Specialties: p.pro.Credentials.Vocabulary().Specialties(), Stages: credential.Stages,
		GradYear: c.Query("graduation_year"), Searched: len(c.Request.URL.RawQuery) > 0,
	}
	if ws != nil {
		data.Viewer = ws.Account.Username
	}
	status := http.StatusOK
	var err error
	if data.GradYear != "" {
		if q.GraduationYear, err = strconv.Atoi(data.GradYear); err != nil {
			err = core.Invalid("graduation_year", "is not a number")
		}
	}
	var entries []credential.Entry
	if err == nil {
		entries, err = p.pro.Credentials.Directory(ctx, accountOf(ws), staff(ws), q)
	}
	var inv *core.InvalidError
	switch {
	case errors.As(err, &inv):
		status, data.Error = http.StatusUnprocessableEntity, inv.Error()
	case err != nil:
		p.log.ErrorContext(ctx, "directory page", "err", err)
		p.renderError(c, http.StatusInternalServerError, "Something went wrong", "Please try again later.")
		return
	}
	data.Query = q
	for _, e := range entries {
		lines, badge := p.lines(e.Shown)
		name := e.Account.DisplayName
		if name == "" {
			name = e.Account.Username
		}
		entry := directoryEntry{
			DisplayName: name, Acct: p.acctOf(e.Account), Link: p.linkOf(e.Account), Lines: lines, Verified: badge,
		}
		if !e.Account.Local() {
			entry.Here = "/@" + entry.Acct
		}
		data.Entries = append(data.Entries, entry)
	}
	p.render(c, status, "directory", page{Title: "Directory", NoIndex: true, Data: data})
}
