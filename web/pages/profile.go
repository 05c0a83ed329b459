package pages

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
)

// profilePage is the data of the profile template.
type profilePage struct {
	DisplayName string
	Username    string
	Acct        string
	ActorURL    string
	ProfileURL  string
	// Note is the profile note split into paragraphs of lines; the
	// template escapes each line.
	Note [][]string
	Bot  bool
	// Lines are the professional fields the viewer may see, Verified the
	// verification; Viewer is the signed-in username ("" anonymous) and
	// Own is set on one's own page.
	Lines    []shownLine
	Verified *verifiedBadge
	Viewer   string
	Own      bool
	CSRF     string
	CSRFName string
	// Remote marks a remote account's page (remote_profile.go): Domain is
	// its instance, Fields its owner's own fields, AskURL the form that
	// asks its instance for what it shows the viewer ("" when it cannot
	// be asked), and Asked that the lines shown are that answer.
	Remote bool
	Domain string
	Fields []shownLine
	AskURL string
	Asked  bool
}

// Profile serves GET /@{username}, and GET /users/{username} for browsers:
// the public profile page of a local account. Unknown accounts get a 404
// page, suspended ones a 410 page. GET /@{user@domain} is a known remote
// account's page (remoteProfile).
func (p *Pages) Profile(c *gin.Context) {
	c.Writer.Header().Add("Vary", "Accept")
	if p.pro != nil && c.FullPath() == "/@:username" && strings.Contains(c.Param("username"), "@") {
		p.remoteProfile(c)
		return
	}
	a, err := p.accounts.LocalPerson(c.Request.Context(), c.Param("username"))
	switch {
	case errors.Is(err, core.ErrGone):
		p.renderError(c, http.StatusGone, "Account suspended", "This account has been suspended.")
		return
	case errors.Is(err, core.ErrNotFound):
		p.renderError(c, http.StatusNotFound, "Not found", "There is no account with that name here.")
		return
	case err != nil:
		p.log.ErrorContext(c.Request.Context(), "profile page", "err", err)
		p.renderError(c, http.StatusInternalServerError, "Something went wrong", "Please try again later.")
		return
	}
	name := a.DisplayName
	if strings.TrimSpace(name) == "" {
		name = a.Username
	}
	data := profilePage{
		DisplayName: name,
		Username:    a.Username,
		Acct:        p.inst.Acct(a.Username),
		ActorURL:    p.inst.ActorURL(a.Username),
		ProfileURL:  p.inst.ProfileURL(a.Username),
		Note:        paragraphs(a.Note),
		Bot:         a.Bot,
	}
	if !p.professionalFields(c, a, &data) {
		return
	}
	p.render(c, http.StatusOK, "profile", page{
		Title:   name + " (@" + p.inst.Acct(a.Username) + ")",
		NoIndex: !a.Discoverable,
		Data:    data,
	})
}

// paragraphs splits plain text into paragraphs (at blank lines) of lines.
func paragraphs(text string) [][]string {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	var out [][]string
	for _, para := range strings.Split(text, "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			out = append(out, strings.Split(para, "\n"))
		}
	}
	return out
}
