package pages

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/federation/sanitize"
	"github.com/rounds-md/rounds/web/httperr"
)

// remoteProfile serves GET /@{user@domain}: the page of a remote account
// this instance knows (nothing is fetched to show it), with its own
// fields and the professional fields its instance shows the public. A
// signed-in viewer is offered, when the account is on a Rounds instance,
// a button that asks that instance for what it shows them (AskProfile).
func (p *Pages) remoteProfile(c *gin.Context) {
	p.showRemote(c, false)
}

// AskProfile serves POST /@{user@domain}/professional (a signed-in form
// with its CSRF token): the remote profile page with the fields the
// account's own Rounds instance shows the viewer, asked for now with a
// fetch signed by the viewer's own key (credential.RemoteViews). That
// tells the other instance who is looking, which is why it takes the
// viewer's click; the answer is shown on this page only and kept
// nowhere.
func (p *Pages) AskProfile(c *gin.Context) {
	if p.requireSession(c) == nil || !p.form(c) {
		return
	}
	p.showRemote(c, true)
}

// showRemote renders a remote account's page, with the fields its
// instance answers the viewer when ask is set.
func (p *Pages) showRemote(c *gin.Context, ask bool) {
	ctx := c.Request.Context()
	acct := c.Param("username")
	a, err := p.pro.Profiles.Lookup(ctx, acct)
	switch {
	case errors.Is(err, core.ErrNotFound):
		p.renderError(c, http.StatusNotFound, "Not found", "No account with that address is known here.")
		return
	case err != nil:
		p.log.ErrorContext(ctx, "remote profile page", "err", err)
		p.renderError(c, http.StatusInternalServerError, "Something went wrong", "Please try again later.")
		return
	case a.Local():
		c.Redirect(http.StatusFound, p.inst.ProfileURL(a.Username))
		return
	}
	ws := p.session(c)
	name := a.DisplayName
	if strings.TrimSpace(name) == "" {
		name = a.Username
	}
	data := profilePage{
		DisplayName: name, Username: a.Username, Acct: p.acctOf(a.Account),
		ProfileURL: p.linkOf(a.Account), Bot: a.Bot, Remote: true, Domain: a.Domain,
		// Remote notes and field values are sanitised HTML: shown as text.
		Note: paragraphs(sanitize.Text(a.Note)),
	}
	if a.URI != nil {
		data.ActorURL = *a.URI
	}
	for _, f := range a.Extras.Fields() {
		data.Fields = append(data.Fields, shownLine{f.Name, sanitize.Text(f.Value)})
	}
	if ws != nil {
		private(c)
		data.Viewer = ws.Account.Username
		data.CSRF, data.CSRFName = p.pro.Sessions.CSRFToken(c), p.pro.CSRFField
	}
	card := a.Card
	if ask {
		if p.pro.RemoteProfiles == nil {
			p.renderError(c, http.StatusForbidden, "Not available", "This server cannot ask other servers for profiles.")
			return
		}
		if card, err = p.pro.RemoteProfiles.Fetch(ctx, ws.Account, a.Account); err != nil {
			p.askFailed(c, err)
			return
		}
		data.Asked = true
	} else if ws != nil && p.pro.RemoteProfiles != nil {
		ok, err := p.pro.RemoteProfiles.Askable(ctx, ws.Account, a.Account)
		if err != nil {
			p.log.ErrorContext(ctx, "remote profile page", "err", err)
		}
		if ok {
			data.AskURL = "/@" + p.acctOf(a.Account) + "/professional"
		}
	}
	v, err := p.viewerFor(c, ws, []int64{a.ID})
	if err != nil {
		p.log.ErrorContext(ctx, "remote profile page: professional fields", "err", err)
		p.renderError(c, http.StatusInternalServerError, "Something went wrong", "Please try again later.")
		return
	}
	data.Lines, data.Verified = p.lines(credential.Show(card, v))
	p.render(c, http.StatusOK, "profile", page{Title: name + " (@" + data.Acct + ")", NoIndex: true, Data: data})
}

// askFailed answers a refused or failed ask with an error page saying why.
func (p *Pages) askFailed(c *gin.Context, err error) {
	status := httperr.Status(err)
	msg := "Please try again later."
	var kind *core.KindError
	if errors.As(err, &kind) && (status < 500 || status == http.StatusBadGateway) {
		msg = kind.Msg
	}
	if status >= 500 && status != http.StatusBadGateway {
		p.log.ErrorContext(c.Request.Context(), "remote profile page: ask", "err", err)
	}
	p.renderError(c, status, "The profile could not be asked for", msg)
}
