package oauth

import (
	"bytes"
	"embed"
	"html/template"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/instance"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages renders the sign-in, consent, code and error pages.
type pages struct {
	inst instance.Config
	log  *slog.Logger
	tmpl map[string]*template.Template
}

// newPages parses the embedded templates; a parse error is a bug caught
// by every test that renders a page.
func newPages(inst instance.Config, log *slog.Logger) *pages {
	tmpl := map[string]*template.Template{}
	for _, name := range []string{"signin", "consent", "native", "error", "websignin"} {
		tmpl[name] = template.Must(template.ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
	return &pages{inst: inst, log: log, tmpl: tmpl}
}

// requestFields are the authorization request's parameters, carried in
// hidden fields from page to page.
type requestFields struct {
	ClientID            string
	RedirectURI         string
	ResponseType        string
	Scope               string
	State               string
	CodeChallenge       string
	CodeChallengeMethod string
}

// pageData is what every page template receives.
type pageData struct {
	Instance  instance.Config
	Title     string
	Error     string
	Message   string
	CSRFField string
	CSRF      string
	Request   requestFields
	// AppName and AppWebsite name the client asking.
	AppName    string
	AppWebsite string
	// Acct is the signed-in username; SwitchURL signs in as another.
	Acct      string
	SwitchURL string
	// Personas are the accounts of the sign-in the app may act as, when
	// there is more than one to choose from.
	Personas []personaChoice
	// Scopes describe, one line each, what the client asks for.
	Scopes []string
	// Login pre-fills the sign-in form after a failure.
	Login string
	// Code is the out-of-band authorization code.
	Code string
	// ReturnTo is the local path the plain sign-in page goes back to.
	ReturnTo string
}

// personaChoice is one persona on the consent page.
type personaChoice struct {
	ID          string
	Username    string
	DisplayName string
	Checked     bool
}

// render writes the named page with status and the headers every page
// of this package carries: no caching, no framing, no referrer leaving
// the site, no scripts.
func (p *pages) render(c *gin.Context, status int, name string, d pageData) {
	d.Instance = p.inst
	d.CSRFField = csrfField
	var buf bytes.Buffer
	if err := p.tmpl[name].ExecuteTemplate(&buf, "layout", d); err != nil {
		p.log.ErrorContext(c.Request.Context(), "oauth: render page", "template", name, "err", err)
		c.AbortWithStatus(http.StatusInternalServerError)
		return
	}
	h := c.Writer.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	// No form-action: Chrome applies it to the redirect that follows the
	// consent form, which goes to the client's own (often custom) scheme.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
	c.Abort()
}

// renderError ends the request with an HTML error page.
func (p *pages) renderError(c *gin.Context, status int, title, message string) {
	p.render(c, status, "error", pageData{Title: title, Message: message})
}
