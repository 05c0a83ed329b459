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

// adminRow is one local account on the admin list.
type adminRow struct {
	Username, DisplayName string
	Verified              bool
	Suspended             bool
}

// adminAccountsPage is the data of the admin account list.
type adminAccountsPage struct {
	Rows  []adminRow
	Query string
}

// historyRow is one verification in an account's history.
type historyRow struct {
	Credential, VerifiedAt, VerifiedBy, RevokedAt, RevokedBy string
}

// adminAccountPage is the data of one account's admin page.
type adminAccountPage struct {
	CSRF, CSRFName string
	Username       string
	DisplayName    string
	Verified       *verifiedBadge
	History        []historyRow
	// Personas are the other accounts of the same sign-in, shown to admins
	// only: nothing else anywhere links them.
	Personas  []string
	ShowLinks bool
	Message   string
	Error     string
}

// requireStaff returns the session of an admin or moderator; anyone else
// is sent to sign in or refused with 403.
func (p *Pages) requireStaff(c *gin.Context) *storage.WebSession {
	private(c)
	ws := p.requireSession(c)
	if ws == nil {
		return nil
	}
	if !staff(ws) {
		p.renderError(c, http.StatusForbidden, "Forbidden", "Only admins and moderators may open this page.")
		return nil
	}
	return ws
}

// AdminAccounts serves GET /admin/accounts?q=: local accounts with their
// verification, for staff.
func (p *Pages) AdminAccounts(c *gin.Context) {
	ws := p.requireStaff(c)
	if ws == nil {
		return
	}
	ctx := c.Request.Context()
	q := strings.ToLower(strings.TrimSpace(c.Query("q")))
	accts, err := p.accounts.List(ctx)
	var cards map[int64]*credential.Card
	if err == nil {
		ptrs := make([]*storage.Account, len(accts))
		for i := range accts {
			ptrs[i] = &accts[i]
		}
		cards, err = p.pro.Credentials.Cards(ctx, ptrs)
	}
	if err != nil {
		p.log.ErrorContext(ctx, "admin accounts", "err", err)
		p.renderError(c, http.StatusInternalServerError, "Something went wrong", "Please try again later.")
		return
	}
	data := adminAccountsPage{Query: q}
	for _, a := range accts {
		if a.ActorType == storage.ActorApplication {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(a.Username+" "+a.DisplayName), q) {
			continue
		}
		data.Rows = append(data.Rows, adminRow{
			Username: a.Username, DisplayName: a.DisplayName, Verified: cards[a.ID].Verification != nil, Suspended: a.Suspended(),
		})
	}
	p.render(c, http.StatusOK, "admin_accounts", page{Title: "Accounts", NoIndex: true, Data: data})
}

// AdminAccount serves GET /admin/accounts/{username}: the verification in
// force and its history (who verified and revoked, when), the forms to
// verify and revoke, and, for admins only, the other personas of the
// same sign-in.
func (p *Pages) AdminAccount(c *gin.Context) {
	ws := p.requireStaff(c)
	if ws == nil {
		return
	}
	p.renderAdminAccount(c, ws, http.StatusOK, c.Query("done"), "")
}

func (p *Pages) renderAdminAccount(c *gin.Context, ws *storage.WebSession, status int, msg, errMsg string) {
	ctx := c.Request.Context()
	a, hist, err := p.pro.Credentials.History(ctx, c.Param("username"))
	if errors.Is(err, core.ErrNotFound) {
		p.renderError(c, http.StatusNotFound, "Not found", "There is no account with that name here.")
		return
	}
	var cards map[int64]*credential.Card
	var personas []storage.Account
	if err == nil {
		cards, err = p.pro.Credentials.Cards(ctx, []*storage.Account{a})
	}
	showLinks := ws.User.Role == "admin"
	if err == nil && showLinks && a.UserID != nil {
		personas, err = p.accounts.Personas(ctx, a)
	}
	ids := map[int64]bool{}
	for _, h := range hist {
		for _, id := range []*int64{h.VerifiedByID, h.RevokedByID} {
			if id != nil {
				ids[*id] = true
			}
		}
	}
	names := map[int64]string{}
	if err == nil && len(ids) > 0 {
		var list []int64
		for id := range ids {
			list = append(list, id)
		}
		var byID map[int64]profile.Account
		if byID, err = p.pro.Profiles.LoadIDs(ctx, list); err == nil {
			for id, acct := range byID {
				names[id] = "@" + acct.Username
			}
		}
	}
	if err != nil {
		p.log.ErrorContext(ctx, "admin account", "err", err)
		p.renderError(c, http.StatusInternalServerError, "Something went wrong", "Please try again later.")
		return
	}
	who := func(id *int64, via string) string {
		switch {
		case id != nil && names[*id] != "":
			return names[*id] + " (" + via + ")"
		case via == storage.VerifiedViaCLI:
			return "an operator at the command line"
		}
		return via
	}
	data := adminAccountPage{
		CSRF: p.pro.Sessions.CSRFToken(c), CSRFName: p.pro.CSRFField,
		Username: a.Username, DisplayName: a.DisplayName, ShowLinks: showLinks, Message: msg, Error: errMsg,
	}
	_, data.Verified = p.lines(credential.Shown{Verification: cards[a.ID].Verification})
	for _, h := range hist {
		row := historyRow{Credential: h.Credential, VerifiedAt: h.VerifiedAt.UTC().Format("2006-01-02 15:04 MST"), VerifiedBy: who(h.VerifiedByID, h.VerifiedVia)}
		if h.RevokedAt != nil {
			row.RevokedAt, row.RevokedBy = h.RevokedAt.UTC().Format("2006-01-02 15:04 MST"), who(h.RevokedByID, h.RevokedVia)
		}
		data.History = append(data.History, row)
	}
	for _, pa := range personas {
		if pa.ID != a.ID {
			data.Personas = append(data.Personas, pa.Username)
		}
	}
	p.render(c, status, "admin_account", page{Title: "@" + a.Username, NoIndex: true, Data: data})
}

// AdminVerify serves POST /admin/accounts/{username}/verify (credential)
// and POST .../unverify: recorded as done by the signed-in staff account.
func (p *Pages) AdminVerify(revoke bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ws := p.requireStaff(c)
		if ws == nil || !p.form(c) {
			return
		}
		ctx := c.Request.Context()
		st := credential.Staff{Account: ws.Account, Role: ws.User.Role, Via: storage.VerifiedViaWeb}
		username := c.Param("username")
		var err error
		done := "verified"
		if revoke {
			err, done = p.pro.Credentials.Unverify(ctx, st, username), "revoked"
		} else {
			_, err = p.pro.Credentials.Verify(ctx, st, username, c.Request.PostForm.Get("credential"))
		}
		var inv *core.InvalidError
		var kind *core.KindError
		switch {
		case err == nil:
			c.Redirect(http.StatusSeeOther, "/admin/accounts/"+username+"?done="+done)
		case errors.As(err, &inv):
			p.renderAdminAccount(c, ws, http.StatusUnprocessableEntity, "", inv.Error())
		case errors.Is(err, core.ErrNotFound) && errors.As(err, &kind) && revoke:
			p.renderAdminAccount(c, ws, http.StatusConflict, "", kind.Msg)
		case errors.Is(err, core.ErrNotFound):
			p.renderError(c, http.StatusNotFound, "Not found", "There is no account with that name here.")
		case errors.Is(err, core.ErrForbidden):
			p.renderError(c, http.StatusForbidden, "Forbidden", "Only admins and moderators may verify credentials.")
		default:
			p.log.ErrorContext(ctx, "admin verify", "err", err)
			p.renderError(c, http.StatusInternalServerError, "Something went wrong", "Please try again later.")
		}
	}
}
