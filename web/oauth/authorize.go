package oauth

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	oauthcore "github.com/rounds-md/rounds/core/oauth"
	"github.com/rounds-md/rounds/storage"
)

// sessionCookie names the browser session cookie of the OAuth pages.
const sessionCookie = "rounds_session"

// authorize handles GET /oauth/authorize and /oauth/authorize/ (RFC 6749
// section 4.1.1; Mastodon methods/oauth.md#authorize): the consent page
// for a signed-in browser, the sign-in page otherwise or with
// force_login=true.
func (h *Handler) authorize(c *gin.Context) {
	q := c.Request.URL.Query()
	vr, ok := h.checkRequest(c, authRequestFrom(q))
	if !ok {
		return
	}
	if !truthy(q.Get("force_login")) {
		if ws, err := h.session(c); err == nil {
			h.renderConsent(c, vr, ws)
			return
		}
	}
	h.renderSignIn(c, http.StatusOK, vr, "", "")
}

// signIn handles POST /oauth/sign_in, the sign-in form: on success it
// opens a browser session and returns to the consent page.
func (h *Handler) signIn(c *gin.Context) {
	p, ok := h.formParams(c)
	if !ok {
		return
	}
	vr, ok := h.checkRequest(c, authRequestFrom(p))
	if !ok {
		return
	}
	rerender := func(status int, login, msg string) { h.renderSignIn(c, status, vr, login, msg) }
	if !h.openSession(c, p, rerender) {
		return
	}
	c.Redirect(http.StatusSeeOther, "/oauth/authorize?"+requestQuery(vr).Encode())
}

// decide handles POST /oauth/authorize, the consent form: approve sends
// the client a code, deny sends error=access_denied.
func (h *Handler) decide(c *gin.Context) {
	p, ok := h.formParams(c)
	if !ok {
		return
	}
	vr, ok := h.checkRequest(c, authRequestFrom(p))
	if !ok {
		return
	}
	ws, err := h.session(c)
	if err != nil {
		h.renderSignIn(c, http.StatusUnauthorized, vr, "", "Your session has ended. Please sign in again.")
		return
	}
	switch p.Get("decision") {
	case "approve":
		acct := ws.Account
		if raw := p.Get("account_id"); raw != "" {
			// The persona chosen on the consent page acts for the app.
			id, err := strconv.ParseInt(raw, 10, 64)
			if err == nil {
				acct, err = h.svc.Persona(c.Request.Context(), ws.User, id)
			}
			if err != nil {
				h.pages.renderError(c, http.StatusBadRequest, "Authorization failed", "That persona cannot be chosen. Go back and choose one of yours.")
				return
			}
		}
		code, err := h.svc.IssueCode(c.Request.Context(), vr, ws.User, acct)
		if err != nil {
			h.serverError(c, err)
			return
		}
		if vr.OOB() {
			c.Redirect(http.StatusSeeOther, "/oauth/authorize/native?"+url.Values{"code": {code}}.Encode())
			return
		}
		answer := url.Values{"code": {code}}
		if vr.State != "" {
			answer.Set("state", vr.State)
		}
		c.Redirect(http.StatusFound, withQuery(vr.RedirectURI, answer))
	case "deny":
		h.redirectError(c, vr, &oauthcore.Error{Code: oauthcore.CodeAccessDenied, Description: "The resource owner or authorization server denied the request."})
	default:
		h.pages.renderError(c, http.StatusBadRequest, "Authorization failed", "The form was incomplete. Go back and choose Authorize or Deny.")
	}
}

// native handles GET /oauth/authorize/native, the page that shows an
// out-of-band (urn:ietf:wg:oauth:2.0:oob) code for the user to paste.
func (h *Handler) native(c *gin.Context) {
	code := c.Query("code")
	if code == "" {
		h.pages.renderError(c, http.StatusBadRequest, "Authorization failed", "There is no authorization code to show.")
		return
	}
	h.pages.render(c, http.StatusOK, "native", pageData{Title: "Authorization code", Code: code})
}

// formParams reads a form POST and checks its CSRF token, answering 400
// or 403 with an HTML page when it will not do.
func (h *Handler) formParams(c *gin.Context) (url.Values, bool) {
	p, err := params(c)
	if err != nil {
		h.pages.renderError(c, http.StatusBadRequest, "Authorization failed", "The form could not be read.")
		return nil, false
	}
	if !h.checkCSRF(c, p.Get(csrfField)) {
		h.pages.renderError(c, http.StatusForbidden, "Authorization failed",
			"This form has expired or did not come from this server. Go back, reload the page and try again.")
		return nil, false
	}
	return p, true
}

// checkRequest validates an authorization request. A bad client or
// redirect URI gets an HTML error page (never a redirect to an
// unregistered URI); other faults go back to the client's redirect URI.
func (h *Handler) checkRequest(c *gin.Context, ar oauthcore.AuthRequest) (*oauthcore.ValidAuthRequest, bool) {
	vr, err := h.svc.CheckAuthRequest(c.Request.Context(), ar)
	if err == nil {
		return vr, true
	}
	var oe *oauthcore.Error
	switch {
	case !errors.As(err, &oe):
		h.serverError(c, err)
	case vr == nil:
		h.pages.renderError(c, http.StatusBadRequest, "Authorization failed", oe.Description)
	default:
		h.redirectError(c, vr, oe)
	}
	return nil, false
}

// redirectError sends an authorization error to the client's redirect
// URI (RFC 6749 section 4.1.2.1), or shows it for out-of-band clients.
func (h *Handler) redirectError(c *gin.Context, vr *oauthcore.ValidAuthRequest, oe *oauthcore.Error) {
	if vr.OOB() {
		status := http.StatusBadRequest
		if oe.Code == oauthcore.CodeAccessDenied {
			status = http.StatusOK
		}
		h.pages.renderError(c, status, "Authorization not granted", oe.Description)
		return
	}
	answer := url.Values{"error": {oe.Code}, "error_description": {oe.Description}}
	if vr.State != "" {
		answer.Set("state", vr.State)
	}
	c.Redirect(http.StatusFound, withQuery(vr.RedirectURI, answer))
	c.Abort()
}

// session returns the browser's signed-in session.
func (h *Handler) session(c *gin.Context) (*storage.WebSession, error) {
	return h.svc.Session(c.Request.Context(), h.cookie(c, sessionCookie))
}

// renderSignIn shows the sign-in form for a valid request.
func (h *Handler) renderSignIn(c *gin.Context, status int, vr *oauthcore.ValidAuthRequest, login, msg string) {
	h.pages.render(c, status, "signin", pageData{
		Title: "Sign in", Error: msg, CSRF: h.csrfToken(c), Request: fieldsOf(vr),
		AppName: vr.App.Name, Login: login,
	})
}

// renderConsent shows the consent page for a signed-in browser.
func (h *Handler) renderConsent(c *gin.Context, vr *oauthcore.ValidAuthRequest, ws *storage.WebSession) {
	scopes := make([]string, 0, len(vr.Scopes))
	for i, d := range oauthcore.ScopeDescriptions(vr.Scopes) {
		scopes = append(scopes, d+" ("+vr.Scopes[i]+")")
	}
	switchQ := requestQuery(vr)
	switchQ.Set("force_login", "true")
	personas, err := h.svc.Personas(c.Request.Context(), ws.User)
	if err != nil {
		h.serverError(c, err)
		return
	}
	var choices []personaChoice
	if len(personas) > 1 {
		for _, a := range personas {
			choices = append(choices, personaChoice{
				ID: strconv.FormatInt(a.ID, 10), Username: a.Username, DisplayName: a.DisplayName, Checked: a.ID == ws.Account.ID,
			})
		}
	}
	h.pages.render(c, http.StatusOK, "consent", pageData{
		Title: "Authorize " + vr.App.Name, CSRF: h.csrfToken(c), Request: fieldsOf(vr),
		AppName: vr.App.Name, AppWebsite: vr.App.Website, Acct: ws.Account.Username,
		Scopes: scopes, SwitchURL: "/oauth/authorize?" + switchQ.Encode(), Personas: choices,
	})
}

// serverError logs err and shows a generic error page.
func (h *Handler) serverError(c *gin.Context, err error) {
	h.log.ErrorContext(c.Request.Context(), "oauth: request failed", "route", c.FullPath(), "err", err)
	h.pages.renderError(c, http.StatusInternalServerError, "Something went wrong", "The server could not complete the request. Try again in a moment.")
}

// authRequestFrom reads an authorization request's parameters.
func authRequestFrom(v url.Values) oauthcore.AuthRequest {
	return oauthcore.AuthRequest{
		ClientID: v.Get("client_id"), RedirectURI: v.Get("redirect_uri"), ResponseType: v.Get("response_type"),
		Scope: v.Get("scope"), State: v.Get("state"),
		CodeChallenge: v.Get("code_challenge"), CodeChallengeMethod: v.Get("code_challenge_method"),
	}
}

// fieldsOf returns a valid request's parameters for hidden fields.
func fieldsOf(vr *oauthcore.ValidAuthRequest) requestFields {
	return requestFields{
		ClientID: vr.App.ClientID, RedirectURI: vr.RedirectURI, ResponseType: "code",
		Scope: vr.Scopes.String(), State: vr.State,
		CodeChallenge: vr.CodeChallenge, CodeChallengeMethod: vr.CodeChallengeMethod,
	}
}

// requestQuery returns a valid request as GET /oauth/authorize parameters.
func requestQuery(vr *oauthcore.ValidAuthRequest) url.Values {
	f := fieldsOf(vr)
	q := url.Values{"client_id": {f.ClientID}, "redirect_uri": {f.RedirectURI}, "response_type": {"code"}, "scope": {f.Scope}}
	for k, v := range map[string]string{"state": f.State, "code_challenge": f.CodeChallenge, "code_challenge_method": f.CodeChallengeMethod} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// withQuery appends parameters to a redirect URI without re-serialising
// it, so that custom schemes keep their exact spelling (Go's URL parser
// lowercases schemes; Ivory registers com.tapbots.Ivory.NNNN:).
func withQuery(uri string, q url.Values) string {
	sep := "?"
	if strings.Contains(uri, "?") {
		sep = "&"
	}
	return uri + sep + q.Encode()
}

// openSession signs in the form's login and password and opens a browser
// session, ending any session the browser had. The sign-in errors a person
// can act on (rate limit, wrong password, account not allowed) go back
// through rerender with the login kept; others are server errors. It
// reports whether the session is open.
func (h *Handler) openSession(c *gin.Context, p url.Values, rerender func(status int, login, msg string)) bool {
	ctx := c.Request.Context()
	login := strings.TrimSpace(p.Get("login"))
	user, acct, err := h.svc.SignIn(ctx, login, p.Get("password"), c.ClientIP())
	if err != nil {
		var rl *oauthcore.RateLimitError
		var kind *core.KindError
		switch {
		case errors.As(err, &rl):
			c.Header("Retry-After", strconv.Itoa(int(math.Ceil(rl.RetryAfter.Seconds()))))
			rerender(http.StatusTooManyRequests, login, rl.Error())
		case errors.Is(err, core.ErrUnauthorized) && errors.As(err, &kind):
			rerender(http.StatusUnprocessableEntity, login, kind.Msg)
		case errors.Is(err, core.ErrForbidden) && errors.As(err, &kind):
			rerender(http.StatusForbidden, login, kind.Msg)
		default:
			h.serverError(c, err)
		}
		return false
	}
	token, err := h.svc.StartSession(ctx, user, acct)
	if err != nil {
		h.serverError(c, err)
		return false
	}
	if old := h.cookie(c, sessionCookie); old != "" {
		if err := h.svc.EndSession(ctx, old); err != nil {
			h.log.WarnContext(ctx, "oauth: end replaced session", "err", err)
		}
	}
	h.setCookie(c, sessionCookie, token, h.svc.Config().SessionTTL)
	return true
}
