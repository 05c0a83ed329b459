package pages

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/storage"
)

// Sessions reads the browser session that the OAuth pages open
// (web/oauth.Browser): the signed-in user and account, and the CSRF
// token every form carries.
type Sessions interface {
	Session(c *gin.Context) (*storage.WebSession, error)
	CSRFToken(c *gin.Context) string
	CheckCSRF(c *gin.Context, token string) bool
}

// Professional are what the professional pages need: the profile editor,
// the directory, the admin verification pages and the fields of the
// profile page.
type Professional struct {
	Profiles    *profile.Service
	Credentials *credential.Service
	// RemoteProfiles asks another Rounds instance for what it shows the
	// signed-in viewer of a remote profile (the remote profile page's
	// button); nil offers no such button.
	RemoteProfiles *credential.RemoteViews
	Sessions       Sessions
	// CSRFField names the hidden field carrying Sessions' CSRF token.
	CSRFField string
	// SignInURL is the sign-in page that comes back to a local path.
	SignInURL func(returnTo string) string
}

// WithProfessional turns on the professional pages and the profile
// page's professional fields. Call it once while wiring.
func (p *Pages) WithProfessional(pro Professional) *Pages {
	p.pro = &pro
	return p
}

// session returns the browser's session, nil when nobody is signed in.
func (p *Pages) session(c *gin.Context) *storage.WebSession {
	if p.pro == nil || p.pro.Sessions == nil {
		return nil
	}
	ws, err := p.pro.Sessions.Session(c)
	if err != nil {
		if !errors.Is(err, core.ErrUnauthorized) {
			p.log.WarnContext(c.Request.Context(), "pages: session", "err", err)
		}
		return nil
	}
	return ws
}

// accountOf is the session's account, nil without a session.
func accountOf(ws *storage.WebSession) *storage.Account {
	if ws == nil {
		return nil
	}
	return ws.Account
}

// staff reports whether the session's user is an admin or moderator.
func staff(ws *storage.WebSession) bool {
	return ws != nil && ws.User != nil && (ws.User.Role == "admin" || ws.User.Role == "moderator")
}

// viewerFor loads the audience rule's view of the session's account
// looking at owners (anonymous without a session).
func (p *Pages) viewerFor(c *gin.Context, ws *storage.WebSession, owners []int64) (credential.Viewer, error) {
	if ws == nil {
		return credential.Anonymous(), nil
	}
	return p.pro.Credentials.Viewer(c.Request.Context(), ws.Account, staff(ws), owners)
}

// requireSession returns the session, or sends the browser to sign in and
// returns nil.
func (p *Pages) requireSession(c *gin.Context) *storage.WebSession {
	ws := p.session(c)
	if ws == nil {
		c.Redirect(http.StatusSeeOther, p.pro.SignInURL(c.Request.URL.RequestURI()))
		c.Abort()
	}
	return ws
}

// form reads a POSTed form and checks its CSRF token, ending the request
// with 400 or 403 when it will not do.
func (p *Pages) form(c *gin.Context) bool {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 64<<10)
	if err := c.Request.ParseForm(); err != nil {
		p.renderError(c, http.StatusBadRequest, "Bad request", "The form could not be read.")
		return false
	}
	if !p.pro.Sessions.CheckCSRF(c, c.Request.PostForm.Get(p.pro.CSRFField)) {
		p.renderError(c, http.StatusForbidden, "Forbidden", "This form has expired or did not come from this server. Reload the page and try again.")
		return false
	}
	return true
}

// private marks a page that depends on who is looking.
func private(c *gin.Context) { c.Header("Cache-Control", "private, no-store") }

// shownLine is a line of a shown profile for the templates.
type shownLine struct {
	Name, Value string
}

// verifiedBadge is the verification a page shows.
type verifiedBadge struct {
	Credential string
	Issuer     string
	Date       string
	ISO        string
}

// lines renders a shown profile's lines and badge.
func (p *Pages) lines(s credential.Shown) ([]shownLine, *verifiedBadge) {
	var out []shownLine
	for _, l := range s.Lines(p.pro.Credentials.Vocabulary()) {
		out = append(out, shownLine{l.Name, l.Value})
	}
	var badge *verifiedBadge
	if v := s.Verification; v != nil {
		badge = &verifiedBadge{Credential: v.Credential, Issuer: v.Issuer, Date: v.VerifiedAt.Format("2 January 2006"), ISO: v.VerifiedAt.Format("2006-01-02")}
	}
	return out, badge
}

// acctOf is how a page names an account: username here, user@domain for
// remote accounts.
func (p *Pages) acctOf(a *storage.Account) string {
	if a.Local() {
		return p.inst.Acct(a.Username)
	}
	return a.Username + "@" + a.Domain
}

// linkOf is where a page links an account: its profile page here, its
// own page elsewhere.
func (p *Pages) linkOf(a *storage.Account) string {
	if a.Local() {
		return p.inst.ProfileURL(a.Username)
	}
	for _, u := range []*string{a.URL, a.URI} {
		if u != nil && strings.HasPrefix(*u, "http") {
			return *u
		}
	}
	return ""
}

// professionalFields adds to a profile page what the browser's viewer
// may see of the account's professional profile; false when the request
// was ended.
func (p *Pages) professionalFields(c *gin.Context, a *storage.Account, d *profilePage) bool {
	if p.pro == nil {
		return true
	}
	ctx := c.Request.Context()
	ws := p.session(c)
	if ws != nil {
		private(c)
		d.Viewer, d.Own = ws.Account.Username, ws.Account.ID == a.ID
		d.CSRF, d.CSRFName = p.pro.Sessions.CSRFToken(c), p.pro.CSRFField
	}
	cards, err := p.pro.Credentials.Cards(ctx, []*storage.Account{a})
	if err == nil {
		var v credential.Viewer
		if v, err = p.viewerFor(c, ws, []int64{a.ID}); err == nil {
			d.Lines, d.Verified = p.lines(credential.Show(cards[a.ID], v))
		}
	}
	if err != nil {
		p.log.ErrorContext(ctx, "profile page: professional fields", "err", err)
		p.renderError(c, http.StatusInternalServerError, "Something went wrong", "Please try again later.")
		return false
	}
	return true
}
