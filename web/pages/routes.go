package pages

import "github.com/gin-gonic/gin"

// Routes mounts the HTML pages and static assets on r. All of /static/ is
// the embedded static/ directory: add files there rather than routes under
// /static/, which gin would refuse beside the catch-all.
func Routes(r gin.IRouter, p *Pages) {
	r.GET("/@:username", p.Profile)
	// GET /@:username/:id is mounted by web/activitypub, which serves
	// ActivityStreams requests itself and hands browsers to p.Status.
	if p.st != nil {
		r.GET("/tags/:name", p.Tag)
	}
	if p.pro != nil {
		// Professional profiles: the directory, one's own profile editor
		// and the staff's verification pages (web/oauth's browser session).
		r.POST("/@:username/professional", p.AskProfile)
		r.GET("/directory", p.Directory)
		r.GET("/settings/profile", p.Settings)
		r.POST("/settings/profile", p.SaveSettings)
		r.GET("/admin/accounts", p.AdminAccounts)
		r.GET("/admin/accounts/:username", p.AdminAccount)
		r.POST("/admin/accounts/:username/verify", p.AdminVerify(false))
		r.POST("/admin/accounts/:username/unverify", p.AdminVerify(true))
	}
	r.GET("/static/*filepath", p.static)
}
