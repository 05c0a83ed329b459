package oauth

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/instance"
	oauthcore "github.com/rounds-md/rounds/core/oauth"
	"github.com/rounds-md/rounds/storage"
)

// Browser gives Rounds' other HTML pages (web/pages) the browser session
// of the sign-in and consent pages: one cookie, one sign-in, one CSRF
// scheme. It also serves a sign-in page that is not part of an OAuth
// request (GET/POST /auth/sign_in, POST /auth/sign_out), for the profile
// editor, the directory and the admin pages.
type Browser struct {
	h *Handler
}

// NewBrowser returns the Browser over an OAuth service; pass the service
// the OAuth routes use, so that both share the sign-in limiter.
func NewBrowser(svc *oauthcore.Service, inst instance.Config, log *slog.Logger) *Browser {
	return &Browser{h: NewHandler(svc, inst, log)}
}

// BrowserRoutes mounts the plain sign-in and sign-out pages.
func BrowserRoutes(r gin.IRouter, b *Browser) {
	r.GET("/auth/sign_in", b.signInPage)
	r.POST("/auth/sign_in", b.signIn)
	r.POST("/auth/sign_out", b.signOut)
}

// Session returns the browser's signed-in session (user and account),
// or an error matching core.ErrUnauthorized when there is none.
func (b *Browser) Session(c *gin.Context) (*storage.WebSession, error) { return b.h.session(c) }

// CSRFToken returns the browser's CSRF token for a form about to be
// rendered (setting its cookie when needed); CSRFField names the hidden
// field that must carry it.
func (b *Browser) CSRFToken(c *gin.Context) string { return b.h.csrfToken(c) }

// CheckCSRF reports whether a form POST carrying token is the browser's own.
func (b *Browser) CheckCSRF(c *gin.Context, token string) bool { return b.h.checkCSRF(c, token) }

// CSRFField is the name of the hidden field that carries the CSRF token.
const CSRFField = csrfField

// SignInURL is where a page sends a browser that must sign in first,
// coming back to returnTo (a local path) afterwards.
func SignInURL(returnTo string) string {
	return "/auth/sign_in?" + url.Values{"return_to": {returnTo}}.Encode()
}

// localPath returns p when it is a path on this site ("/x", not "//x" or
// a URL), "/" otherwise, so that a sign-in never redirects elsewhere.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n") {
		return "/"
	}
	return p
}

// signInPage serves GET /auth/sign_in?return_to=/path.
func (b *Browser) signInPage(c *gin.Context) {
	b.render(c, http.StatusOK, localPath(c.Query("return_to")), "", "")
}

func (b *Browser) render(c *gin.Context, status int, returnTo, login, msg string) {
	b.h.pages.render(c, status, "websignin", pageData{
		Title: "Sign in", Error: msg, CSRF: b.h.csrfToken(c), Login: login, ReturnTo: returnTo,
	})
}

// signIn serves POST /auth/sign_in: on success it opens the browser
// session and goes back to return_to.
func (b *Browser) signIn(c *gin.Context) {
	h := b.h
	p, ok := h.formParams(c)
	if !ok {
		return
	}
	returnTo := localPath(p.Get("return_to"))
	rerender := func(status int, login, msg string) { b.render(c, status, returnTo, login, msg) }
	if !h.openSession(c, p, rerender) {
		return
	}
	c.Redirect(http.StatusSeeOther, returnTo)
}

// signOut serves POST /auth/sign_out: the session ends, here and in the
// database.
func (b *Browser) signOut(c *gin.Context) {
	h := b.h
	if _, ok := h.formParams(c); !ok {
		return
	}
	if err := h.svc.EndSession(c.Request.Context(), h.cookie(c, sessionCookie)); err != nil {
		h.serverError(c, err)
		return
	}
	h.setCookie(c, sessionCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/")
}
