package pages

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/core/instance"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// ThumbnailPath is the path of the instance's thumbnail image, which the
// Mastodon instance documents link to.
const ThumbnailPath = "/static/thumbnail.png"

// Pages renders the HTML pages.
type Pages struct {
	inst     instance.Config
	accounts *account.Service
	log      *slog.Logger
	tmpl     map[string]*template.Template
	assets   http.Handler
	// pro serves the professional pages; nil until WithProfessional.
	pro *Professional
	// st serves the status and hashtag pages; nil until WithStatuses.
	st *Statuses
}

// New returns Pages for the instance inst. It parses the embedded
// templates, which cannot fail at run time once the tests pass.
func New(inst instance.Config, accounts *account.Service, log *slog.Logger) *Pages {
	tmpl := map[string]*template.Template{}
	for _, name := range []string{"profile", "error", "directory", "settings", "admin_accounts", "admin_account"} {
		tmpl[name] = template.Must(template.ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
	// The status and hashtag pages share the template of one status.
	for _, name := range []string{"status", "tag"} {
		tmpl[name] = template.Must(template.ParseFS(templateFS, "templates/layout.html", "templates/statusitem.html", "templates/"+name+".html"))
	}
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embed directive guarantees the directory
	}
	return &Pages{
		inst: inst, accounts: accounts, log: log, tmpl: tmpl,
		assets: http.StripPrefix("/static", http.FileServer(http.FS(sub))),
	}
}

// page is what every template receives: the instance and the page's own data.
type page struct {
	Instance instance.Config
	Title    string
	// NoIndex asks search engines not to index the page.
	NoIndex bool
	Data    any
}

// render writes the named template with status. A template error is
// logged and answered with a bare 500.
func (p *Pages) render(c *gin.Context, status int, name string, pg page) {
	pg.Instance = p.inst
	var buf bytes.Buffer
	if err := p.tmpl[name].ExecuteTemplate(&buf, "layout", pg); err != nil {
		p.log.ErrorContext(c.Request.Context(), "render page", "template", name, "err", err)
		c.AbortWithStatus(http.StatusInternalServerError)
		return
	}
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// errorPage is the data of the error template.
type errorPage struct {
	Heading string
	Message string
}

// renderError ends the request with an HTML error page.
func (p *Pages) renderError(c *gin.Context, status int, heading, message string) {
	p.render(c, status, "error", page{Title: heading, NoIndex: true, Data: errorPage{heading, message}})
	c.Abort()
}

// static serves GET /static/*filepath: the embedded assets.
func (p *Pages) static(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=86400")
	p.assets.ServeHTTP(c.Writer, c.Request)
}
