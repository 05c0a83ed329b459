package pages

import "github.com/gin-gonic/gin"

// Routes mounts the HTML pages and static assets on r. All of /static/ is
// the embedded static/ directory: add files there rather than routes under
// /static/, which gin would refuse beside the catch-all.
func Routes(r gin.IRouter, p *Pages) {
	r.GET("/@:username", p.Profile)
	r.GET("/static/*filepath", p.static)
}
